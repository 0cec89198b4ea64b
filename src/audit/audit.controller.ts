import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access.js';
import { ApiPageResponse } from '../infra/http/openapi.decorators.js';
import { AuditEventDto, AuditQuery } from './audit.dto.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('secretariat')
  @ApiOperation({ summary: 'The audit trail: who did what to which object, when, from where, with what result.' })
  @ApiPageResponse(AuditEventDto, 'Audit events, newest first.')
  list(@Query() query: AuditQuery) {
    return this.audit.list(query);
  }
}
