import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { InvalidParam } from '../../common/domain-errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class InvalidParamDto implements InvalidParam {
  @ApiProperty({ description: 'The field, query or path parameter that is invalid (dotted path for nested fields).', example: 'keuzeIds[0]' })
  name: string;
  @ApiProperty({ description: 'Why the value was rejected.', example: 'keuze 34 bestaat niet' })
  reason: string;
}

/** RFC 9457 problem details, with `invalidParams` for validation failures. */
export class ProblemDto {
  @ApiProperty({ description: 'URI identifying the kind of problem.', example: 'urn:vraagbaak:problem:invalid-input' })
  type: string;
  @ApiProperty({ description: 'Short summary of the kind of problem.', example: 'Bad Request' })
  title: string;
  @ApiProperty({ description: 'HTTP status code.', example: 400 })
  status: number;
  @ApiProperty({ description: 'Explanation of this occurrence, in Dutch.', example: 'De aanvraag bevat ongeldige gegevens.' })
  detail: string;
  @ApiProperty({ description: 'The request path this problem occurred on.', example: '/api/v1/keuzes/abc' })
  instance: string;
  @ApiPropertyOptional({ description: 'Field-level validation failures.', type: [InvalidParamDto] })
  invalidParams?: InvalidParamDto[];
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  invalidParams?: InvalidParam[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

export function problemType(kind?: string): string {
  return kind ? `urn:vraagbaak:problem:${kind}` : 'about:blank';
}
