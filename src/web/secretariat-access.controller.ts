import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccessRequestQuery, AccessRequestsService, ApproveAccessRequestDto, CreateSignInDomainDto, CurrentActor } from '../accounts/index.js';
import type { AuditActor } from '../audit/index.js';
import { Roles } from '../common/access.js';
import { DomainError, InvalidInputError } from '../common/domain-errors.js';
import { validateForm } from '../infra/http/forms.js';
import { UuidPipe } from '../infra/http/validation.js';
import { dutchDate } from './page-format.js';
import { fieldErrors, pageErrors, textOf, type PageError } from './page-form.js';

const SHOWN = 100;
const DECIDED_SHOWN = 20;
const ORGANISATION_REASON = 'moet een code zijn als GM0363 of MIN-IENW (2 tot 20 letters, cijfers of streepjes)';
const STATUS_TEXT: Record<string, string> = { pending: 'open', approved: 'goedgekeurd', rejected: 'afgewezen' };
const REQUEST_DONE: Record<string, string> = {
  goedgekeurd: 'Het verzoek is goedgekeurd: de aanvrager krijgt een inloglink per e-mail.',
  afgewezen: 'Het verzoek is afgewezen. De aanvrager krijgt geen e-mail.',
};
const DOMAIN_DONE: Record<string, string> = {
  toegevoegd: 'Het domein is toegevoegd: ambtenaren met dit e-maildomein kunnen zich nu zelf aanmelden.',
  verwijderd: 'Het domein is verwijderd. Wie al een account heeft, houdt toegang.',
};
const DOMAIN_FIELDS = {
  domain: { label: 'Domein', id: 'domain' },
  organisationCode: { label: 'Organisatiecode', id: 'organisationCode', reason: ORGANISATION_REASON },
};

const flashOf = (done: unknown, texts: Record<string, string>) => (typeof done === 'string' ? (texts[done] ?? null) : null);

interface ApproveState {
  id: string;
  values: { organisationCode: string; allowDomain: boolean };
}

/**
 * `/secretariaat/toegangsverzoeken` (people who asked for a sign-in link but may not sign in yet:
 * approve with their organisation, or reject) and `/secretariaat/aanmelddomeinen` (the domains whose
 * civil servants sign up by themselves). The rules are the API's (`/access-requests`,
 * `/sign-in-domains`): the same service, the same DTOs validating the forms.
 */
@ApiExcludeController()
@Controller('secretariaat')
export class SecretariatAccessController {
  constructor(private readonly access: AccessRequestsService) {}

  @Get('toegangsverzoeken')
  @Roles('secretariat')
  async requests(@Query('gelukt') done: unknown, @Res() reply: FastifyReply): Promise<void> {
    await this.renderRequests(reply, [], null, flashOf(done, REQUEST_DONE));
  }

  @Post('toegangsverzoeken/:id/goedkeuren')
  @Roles('secretariat')
  @HttpCode(200)
  async approve(@Param('id', UuidPipe) id: string, @Body() body: Record<string, unknown> | undefined, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const state: ApproveState = { id, values: { organisationCode: textOf(body, 'organisationCode').trim(), allowDomain: textOf(body, 'allowDomain') === 'ja' } };
    try {
      const input = await validateForm(
        ApproveAccessRequestDto,
        { organisationCode: state.values.organisationCode, ...(state.values.allowDomain ? { allowDomain: true } : {}) },
        { organisationCode: 'Organisatiecode' },
      );
      await this.access.approve(id, input, actor);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404 || error.status === 403) throw error;
      reply.code(error.status);
      await this.renderRequests(reply, pageErrors(error, { organisationCode: { label: 'Organisatiecode', id: `organisationCode-${id}`, reason: ORGANISATION_REASON } }), state, null);
      return;
    }
    reply.redirect('/secretariaat/toegangsverzoeken?gelukt=goedgekeurd', 303);
  }

  @Post('toegangsverzoeken/:id/afwijzen')
  @Roles('secretariat')
  @HttpCode(200)
  async reject(@Param('id', UuidPipe) id: string, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    await this.access.reject(id, actor);
    reply.redirect('/secretariaat/toegangsverzoeken?gelukt=afgewezen', 303);
  }

  @Get('aanmelddomeinen')
  @Roles('secretariat')
  async domains(@Query('gelukt') done: unknown, @Res() reply: FastifyReply): Promise<void> {
    await this.renderDomains(reply, [], { domain: '', organisationCode: '' }, flashOf(done, DOMAIN_DONE));
  }

  @Post('aanmelddomeinen')
  @Roles('secretariat')
  @HttpCode(200)
  async addDomain(@Body() body: Record<string, unknown> | undefined, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const values = { domain: textOf(body, 'domain').trim(), organisationCode: textOf(body, 'organisationCode').trim() };
    try {
      const input = await validateForm(CreateSignInDomainDto, values, { domain: 'Domein', organisationCode: 'Organisatiecode' });
      await this.access.addDomain(input, actor);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404 || error.status === 403) throw error;
      reply.code(error.status);
      await this.renderDomains(reply, pageErrors(error, DOMAIN_FIELDS), values, null);
      return;
    }
    reply.redirect('/secretariaat/aanmelddomeinen?gelukt=toegevoegd', 303);
  }

  @Post('aanmelddomeinen/:domain/verwijderen')
  @Roles('secretariat')
  @HttpCode(200)
  async removeDomain(@Param('domain') domain: string, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    if (!/^[a-z0-9.-]{1,253}$/i.test(domain)) throw new InvalidInputError([{ name: 'domain', reason: 'moet een domeinnaam zijn' }]);
    await this.access.removeDomain(domain, actor);
    reply.redirect('/secretariaat/aanmelddomeinen?gelukt=verwijderd', 303);
  }

  private async renderRequests(reply: FastifyReply, errors: PageError[], failed: ApproveState | null, flash: string | null): Promise<void> {
    const query = (status: 'pending' | 'approved' | 'rejected', pageSize: number) => Object.assign(new AccessRequestQuery(), { status, page: 1, pageSize });
    const [open, approved, rejected] = await Promise.all([
      this.access.list(query('pending', SHOWN)),
      this.access.list(query('approved', DECIDED_SHOWN)),
      this.access.list(query('rejected', DECIDED_SHOWN)),
    ]);
    const decided = [...approved.data, ...rejected.data].sort((a, b) => b.lastAttemptAt.localeCompare(a.lastAttemptAt)).slice(0, DECIDED_SHOWN);
    const errorText = fieldErrors(errors);
    const row = (r: (typeof open.data)[number]) => ({
      id: r.id,
      email: r.email,
      domain: r.domain,
      attempts: r.attempts,
      status: STATUS_TEXT[r.status] ?? r.status,
      first: dutchDate(r.firstAttemptAt),
      last: dutchDate(r.lastAttemptAt),
    });
    reply.header('Cache-Control', 'no-store');
    await reply.view('secretariaat-toegangsverzoeken.njk', {
      flash,
      errors,
      openTotal: open.page.total,
      open: open.data.map((r) => {
        const mine = failed?.id === r.id;
        return { ...row(r), values: mine ? failed.values : { organisationCode: '', allowDomain: false }, error: mine ? (errorText.organisationCode ?? null) : null };
      }),
      decided: decided.map(row),
    });
  }

  private async renderDomains(reply: FastifyReply, errors: PageError[], values: { domain: string; organisationCode: string }, flash: string | null): Promise<void> {
    const domains = await this.access.listDomains();
    reply.header('Cache-Control', 'no-store');
    await reply.view('secretariaat-aanmelddomeinen.njk', {
      flash,
      errors,
      fieldErrors: fieldErrors(errors),
      values,
      domains: domains.map((d) => ({ domain: d.domain, organisationCode: d.organisationCode, added: dutchDate(d.createdAt) })),
    });
  }
}
