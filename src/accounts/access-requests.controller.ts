import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access.js';
import { InvalidInputError } from '../common/domain-errors.js';
import type { AuditActor } from '../audit/index.js';
import { ApiPageResponse } from '../infra/http/openapi.decorators.js';
import { UuidPipe } from '../infra/http/validation.js';
import { AccessRequestDto, AccessRequestQuery, ApproveAccessRequestDto, CreateSignInDomainDto, SignInDomainDto } from './accounts.dto.js';
import { AccessRequestsService } from './access-requests.service.js';
import { CurrentActor } from './principal.js';

@ApiTags('access')
@Roles('secretariat')
@Controller()
export class AccessRequestsController {
  constructor(private readonly access: AccessRequestsService) {}

  @Get('sign-in-domains')
  @ApiOperation({ summary: 'E-mail domains whose civil servants may sign up as requesters by themselves.' })
  @ApiOkResponse({ type: [SignInDomainDto], description: 'The allowlist.' })
  listDomains() {
    return this.access.listDomains();
  }

  @Post('sign-in-domains')
  @ApiOperation({ summary: 'Allow an e-mail domain, linked to its organisation (amsterdam.nl → GM0363).' })
  @ApiCreatedResponse({ type: SignInDomainDto, description: 'The allowed domain.' })
  addDomain(@Body() body: CreateSignInDomainDto, @CurrentActor() actor: AuditActor) {
    return this.access.addDomain(body, actor);
  }

  @Delete('sign-in-domains/:domain')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a domain from the allowlist (existing users keep their access).' })
  @ApiParam({ name: 'domain', description: 'The domain, e.g. amsterdam.nl.' })
  @ApiNoContentResponse({ description: 'Removed.' })
  async removeDomain(@Param('domain') domain: string, @CurrentActor() actor: AuditActor) {
    if (!/^[a-z0-9.-]{1,253}$/i.test(domain)) throw new InvalidInputError([{ name: 'domain', reason: 'moet een domeinnaam zijn' }]);
    await this.access.removeDomain(domain, actor);
  }

  @Get('access-requests')
  @ApiOperation({ summary: 'Sign-in attempts from addresses that may not sign in yet.' })
  @ApiPageResponse(AccessRequestDto, 'Requests, most recent attempt first.')
  list(@Query() query: AccessRequestQuery) {
    return this.access.list(query);
  }

  @Post('access-requests/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve: creates the requester and mails a sign-in link; optionally allows the whole domain.' })
  @ApiOkResponse({ type: AccessRequestDto, description: 'The approved request.' })
  approve(@Param('id', UuidPipe) id: string, @Body() body: ApproveAccessRequestDto, @CurrentActor() actor: AuditActor) {
    return this.access.approve(id, body, actor);
  }

  @Post('access-requests/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject: the address still gets no mail.' })
  @ApiOkResponse({ type: AccessRequestDto, description: 'The rejected request.' })
  reject(@Param('id', UuidPipe) id: string, @CurrentActor() actor: AuditActor) {
    return this.access.reject(id, actor);
  }
}
