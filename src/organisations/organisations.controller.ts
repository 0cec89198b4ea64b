import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/access.js';
import { ApiPageResponse } from '../infra/http/openapi.decorators.js';
import { CodePipe } from '../infra/http/validation.js';
import { OrganisationDto, OrganisationQuery } from './organisation.dto.js';
import { OrganisationsService } from './organisations.service.js';

@ApiTags('organisations')
@Public()
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Get()
  @ApiOperation({ summary: 'Dutch government organisations: municipalities, provinces, water boards, central government.' })
  @ApiPageResponse(OrganisationDto, 'Organisations; with `q` the best matches first.')
  list(@Query() query: OrganisationQuery) {
    return this.organisations.list(query);
  }

  @Get(':code')
  @ApiOperation({ summary: 'One organisation by its code.' })
  @ApiParam({ name: 'code', description: 'Organisation code, e.g. GM0518.', schema: { type: 'string', pattern: '^[A-Za-z0-9-]{2,20}$' } })
  @ApiOkResponse({ type: OrganisationDto, description: 'The organisation.' })
  get(@Param('code', CodePipe) code: string) {
    return this.organisations.get(code);
  }
}
