import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { OptionalField } from '../common/validators.js';
import { PageQuery } from '../common/pagination.js';
import type { AuditEvent, AuditResult } from './audit-event.entity.js';

export class AuditEventDto {
  @ApiProperty({ description: 'Event id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'When it happened.', format: 'date-time' })
  occurredAt: string;
  @ApiProperty({ description: 'User who acted; null for the system or an anonymous caller.', nullable: true, type: String, format: 'uuid' })
  actorId: string | null;
  @ApiProperty({ description: 'What was done, dotted (e.g. `auth.sign-in`, `user.update`).', example: 'auth.sign-in' })
  action: string;
  @ApiProperty({ description: 'Kind of object acted on.', example: 'user' })
  objectType: string;
  @ApiProperty({ description: 'Id of the object acted on.', nullable: true, type: String })
  objectId: string | null;
  @ApiProperty({ enum: ['success', 'failure', 'denied'], description: 'Outcome.' })
  result: AuditResult;
  @ApiProperty({ description: 'Origin IP address.', nullable: true, type: String })
  ip: string | null;
  @ApiProperty({ description: 'Context of the event (never secrets).', nullable: true, type: 'object', additionalProperties: true })
  details: Record<string, unknown> | null;

  static from(e: AuditEvent): AuditEventDto {
    return { ...e, occurredAt: e.occurredAt.toISOString() };
  }
}

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only events by this user.', format: 'uuid' })
  @OptionalField() @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ description: 'Only events on this kind of object.', example: 'user' })
  @OptionalField() @IsString() @Matches(/^[a-z-]{1,40}$/)
  objectType?: string;

  @ApiPropertyOptional({ description: 'Only events on this object.' })
  @OptionalField() @IsString() @MaxLength(254)
  objectId?: string;

  @ApiPropertyOptional({ description: 'Only actions starting with this (e.g. `auth.`).', example: 'auth.' })
  @OptionalField() @IsString() @Matches(/^[a-z.-]{1,80}$/)
  action?: string;

  @ApiPropertyOptional({ enum: ['success', 'failure', 'denied'], description: 'Only this outcome.' })
  @OptionalField() @IsIn(['success', 'failure', 'denied'])
  result?: AuditResult;

  @ApiPropertyOptional({ description: 'From this instant (inclusive).', format: 'date-time' })
  @OptionalField() @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Until this instant (exclusive).', format: 'date-time' })
  @OptionalField() @IsDateString({ strict: true })
  to?: string;
}
