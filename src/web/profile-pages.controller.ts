import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { Transform } from 'class-transformer';
import type { FastifyReply } from 'fastify';
import { Roles, STAFF_ROLES, SignedIn } from '../common/access.js';
import { Clock, amsterdamDay, amsterdamMidnight, shiftDay } from '../common/clock.js';
import { DomainError, InvalidInputError } from '../common/domain-errors.js';
import { IsCalendarDate, OptionalField } from '../common/validators.js';
import { type ApiTokenDto, CreateAbsenceDto, type CreatedApiTokenDto, CredentialsService, CurrentActor, CurrentPrincipal, type Principal, TotpConfirmDto, type TotpEnrolmentDto, UpdateMeDto, type UserDto, UsersService } from '../accounts/index.js';
import type { AuditActor } from '../audit/index.js';
import { validateForm } from '../infra/http/forms.js';
import { UuidPipe } from '../infra/http/validation.js';
import { dutchDate } from './page-format.js';
import { type PageError, type PageField, fieldErrors, pageErrors, requireFilled, textOf } from './page-form.js';

/** The profile's form fields by the API's names: the label the error summary uses and the input it links to. */
const FIELDS: Record<string, PageField> = {
  startsOn: { label: 'Eerste dag', id: 'startsOn' },
  endsOn: { label: 'Laatste dag', id: 'endsOn' },
  note: { label: 'Toelichting', id: 'note' },
  mailPreference: { label: 'E-mail', id: 'mailPreference-immediate', reason: 'kies per bericht of één dagelijks overzicht' },
  code: { label: 'Code uit de app', id: 'code' },
  name: { label: 'Naam van het token', id: 'tokenName' },
  expiresOn: { label: 'Geldig tot en met', id: 'expiresOn' },
  expiresAt: { label: 'Geldig tot en met', id: 'expiresOn' },
};

/** What the page says after each action (fixed texts: nothing typed travels in the address). */
const DONE: Record<string, string> = {
  afwezigheid: 'Uw afwezigheid is opgeslagen. In die periode krijgt u geen nieuwe vragen.',
  'afwezigheid-verwijderd': 'De afwezigheid is verwijderd.',
  mail: 'Uw e-mailvoorkeur is opgeslagen.',
  'token-ingetrokken': 'Het token is ingetrokken en werkt niet meer.',
};

/** A new token stays valid this many days unless the person picks another day. */
const DEFAULT_TOKEN_DAYS = 90;

/** The token form as the page posts it: a last day instead of the API's instant. */
class TokenForm {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @MinLength(1) @MaxLength(100)
  name: string;

  @OptionalField() @IsCalendarDate()
  expiresOn?: string;
}

/** What a refused form keeps: which form it was and what was typed into it. */
interface Failed {
  form: string;
  values: Record<string, string>;
}

/**
 * `/profiel`: what a signed-in person sets for themselves, through the same services as
 * `/api/v1/me` — absences (experts), mail preference (staff: only their mail has a digest),
 * the second factor and personal API tokens (everyone, as the API allows). Forms post here and
 * come back (303) with a confirmation, or show the page again with the error summary and what
 * was typed. A new token and the recovery codes are shown once, on the answer to the POST.
 */
@ApiExcludeController()
@Controller('profiel')
export class ProfilePagesController {
  constructor(
    private readonly users: UsersService,
    private readonly credentials: CredentialsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @SignedIn()
  async show(@Query('gelukt') done: unknown, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    await this.render(reply, principal, { flash: typeof done === 'string' ? (DONE[done] ?? null) : null });
  }

  @Post('afwezigheden')
  @Roles('expert')
  @HttpCode(200)
  async addAbsence(@Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const typed = { startsOn: textOf(body, 'startsOn').trim(), endsOn: textOf(body, 'endsOn').trim(), note: textOf(body, 'note') };
    try {
      requireFilled({ startsOn: typed.startsOn, endsOn: typed.endsOn });
      const input = await validateForm(CreateAbsenceDto, { ...typed, note: typed.note.trim() || undefined }, {});
      if (input.endsOn < amsterdamDay(this.clock.now())) throw new InvalidInputError([{ name: 'endsOn', reason: 'ligt in het verleden' }]);
      await this.users.addAbsence(principal.user.id, input, actor);
    } catch (error) {
      await this.failed(reply, principal, error, { form: 'absence', values: typed });
      return;
    }
    reply.redirect('/profiel?gelukt=afwezigheid#afwezigheid', 303);
  }

  @Post('afwezigheden/:absenceId/verwijderen')
  @Roles('expert')
  @HttpCode(200)
  async removeAbsence(@Param('absenceId', UuidPipe) absenceId: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    await this.users.removeAbsence(principal.user.id, absenceId, actor);
    reply.redirect('/profiel?gelukt=afwezigheid-verwijderd#afwezigheid', 303);
  }

  @Post('mail')
  @Roles(...STAFF_ROLES)
  @HttpCode(200)
  async mail(@Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const mailPreference = textOf(body, 'mailPreference');
    try {
      requireFilled({ mailPreference });
      await this.users.updateMe(principal.user.id, await validateForm(UpdateMeDto, { mailPreference }, {}), actor);
    } catch (error) {
      await this.failed(reply, principal, error, { form: 'mail', values: { mailPreference } });
      return;
    }
    reply.redirect('/profiel?gelukt=mail#mail', 303);
  }

  /** Starts (or restarts) setting up the second factor: the new key as text and as a QR code. */
  @Post('tweede-factor')
  @SignedIn()
  @HttpCode(200)
  async startSecondFactor(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    let enrolment: TotpEnrolmentDto;
    try {
      enrolment = await this.credentials.startTotpEnrolment(principal, actor);
    } catch (error) {
      await this.failed(reply, principal, error, { form: 'totp', values: {} });
      return;
    }
    await this.renderEnrolment(reply, enrolment, [], '');
  }

  /** Confirms the second factor; the recovery codes are shown on this answer only. */
  @Post('tweede-factor/bevestigen')
  @SignedIn()
  @HttpCode(200)
  async confirmSecondFactor(@Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const code = textOf(body, 'code').trim();
    let recoveryCodes: string[];
    try {
      requireFilled({ code });
      recoveryCodes = (await this.credentials.confirmTotp(principal, (await validateForm(TotpConfirmDto, { code }, {})).code, actor)).recoveryCodes;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      reply.status(error.status);
      await this.renderEnrolment(reply, null, pageErrors(error, FIELDS), code);
      return;
    }
    reply.header('Cache-Control', 'no-store');
    await reply.view('herstelcodes.njk', { recoveryCodes, next: '/profiel#tweede-factor' });
  }

  /** Creates a personal API token; the token itself is shown on this answer only. */
  @Post('tokens')
  @SignedIn()
  @HttpCode(200)
  async createToken(@Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const typed = { name: textOf(body, 'name'), expiresOn: textOf(body, 'expiresOn').trim() };
    let created: CreatedApiTokenDto;
    try {
      requireFilled({ name: typed.name });
      const input = await validateForm(TokenForm, { name: typed.name, expiresOn: typed.expiresOn || undefined }, {});
      // Valid through the chosen day: it stops when the next day starts in Amsterdam.
      const expiresAt = input.expiresOn ? amsterdamMidnight(shiftDay(input.expiresOn, 1)).toISOString() : undefined;
      created = await this.credentials.createToken(principal.user.id, input.name, expiresAt, actor);
    } catch (error) {
      await this.failed(reply, principal, error, { form: 'token', values: typed });
      return;
    }
    reply.header('Cache-Control', 'no-store');
    await reply.view('profiel-token.njk', { token: { ...tokenView(created, this.clock.now()), secret: created.token } });
  }

  @Post('tokens/:tokenId/intrekken')
  @SignedIn()
  @HttpCode(200)
  async revokeToken(@Param('tokenId', UuidPipe) tokenId: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    await this.credentials.revokeToken(principal.user.id, tokenId, actor);
    reply.redirect('/profiel?gelukt=token-ingetrokken#tokens', 303);
  }

  /** The page again with the refusal (its status) and what was typed into the form that failed. */
  private async failed(reply: FastifyReply, principal: Principal, error: unknown, failed: Failed): Promise<void> {
    if (!(error instanceof DomainError)) throw error;
    reply.status(error.status);
    const errors = pageErrors(error, FIELDS).map((e) => ({ ...e, reason: e.reason.replace('startsOn', 'de eerste dag') }));
    await this.render(reply, principal, { errors, failed });
  }

  private async renderEnrolment(reply: FastifyReply, enrolment: TotpEnrolmentDto | null, errors: PageError[], code: string): Promise<void> {
    reply.header('Cache-Control', 'no-store');
    await reply.view('profiel-tweede-factor.njk', { enrolment, errors, fieldErrors: fieldErrors(errors), code });
  }

  private async render(reply: FastifyReply, principal: Principal, state: { flash?: string | null; errors?: PageError[]; failed?: Failed }): Promise<void> {
    const roles = principal.user.roles;
    const isExpert = roles.includes('expert');
    const isStaff = roles.some((role) => STAFF_ROLES.includes(role));
    const [user, tokens] = await Promise.all([this.users.get(principal.user.id), this.credentials.listTokens(principal.user.id)]);
    const today = amsterdamDay(this.clock.now());
    const errors = state.errors ?? [];
    reply.header('Cache-Control', 'no-store');
    await reply.view('profiel.njk', {
      user,
      flash: state.flash ?? null,
      errors,
      fieldErrors: fieldErrors(errors),
      failed: state.failed ?? { form: null, values: {} },
      isExpert,
      isStaff,
      absences: isExpert ? upcomingAbsences(user, today) : [],
      tokens: tokens.map((t) => tokenView(t, this.clock.now())),
      defaultExpiresOn: shiftDay(today, DEFAULT_TOKEN_DAYS),
      today,
    });
  }
}

/** Absences that have not ended yet, first one first, with Dutch dates. */
function upcomingAbsences(user: UserDto, today: string) {
  return user.absences
    .filter((a) => a.endsOn >= today)
    .map((a) => ({ id: a.id, from: dutchDate(a.startsOn), to: dutchDate(a.endsOn), note: a.note, current: a.startsOn <= today }));
}

/** A token as the list shows it: its state in words (not by colour). */
function tokenView(t: ApiTokenDto, now: Date) {
  const expired = t.expiresAt !== null && new Date(t.expiresAt) <= now;
  const state = t.revokedAt ? `ingetrokken op ${dutchDate(t.revokedAt)}` : expired ? `verlopen op ${dutchDate(t.expiresAt)}` : 'actief';
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    created: dutchDate(t.createdAt),
    // Valid through the day before the instant it stops (see createToken).
    expires: t.expiresAt ? dutchDate(new Date(new Date(t.expiresAt).getTime() - 1)) : null,
    lastUsed: t.lastUsedAt ? dutchDate(t.lastUsedAt) : null,
    state,
    active: !t.revokedAt && !expired,
  };
}
