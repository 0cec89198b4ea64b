import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { Public, SignedIn } from '../common/access.js';
import { DomainError, InvalidInputError } from '../common/domain-errors.js';
import type { AuditActor } from '../audit/audit.service.js';
import { validateForm } from '../infra/http/forms.js';
import { html, page, raw } from '../infra/http/html.js';
import { AppSecrets } from '../infra/secrets.js';
import { AllowDuringMfaEnrolment, CSRF_COOKIE, SESSION_COOKIE } from './access.guard.js';
import { SignInLinkRequestDto } from './accounts.dto.js';
import { AuthService, type LinkInfo, SecondFactorCodeError } from './auth.service.js';
import { CredentialsService } from './credentials.service.js';
import { CurrentActor, CurrentPrincipal, type Principal } from './principal.js';
import { afterSignIn, safeReturnPath, withReturnTo } from './return-path.js';

const LOGIN_COOKIE = 'vraagbaak_login';

/**
 * The pages behind the mailed link. Mail scanners open links before people do, so GET only
 * shows a button; only the POST spends the token. A login cookie bound to the form stops
 * another site from signing a victim in to the attacker's account.
 */
@ApiExcludeController()
@Controller('auth')
export class AuthPagesController {
  constructor(
    private readonly auth: AuthService,
    private readonly credentials: CredentialsService,
    private readonly secrets: AppSecrets,
    private readonly config: AppConfig,
  ) {}

  @Get('callback')
  @Public()
  @Header('Cache-Control', 'no-store')
  async callbackPage(@Query('token') token: unknown, @Query('next') next: unknown, @Res() reply: FastifyReply): Promise<void> {
    const info = typeof token === 'string' && token.length <= 200 ? await this.auth.describeLink(token) : { valid: false, needsCode: false, needsEnrolment: false };
    if (!info.valid) {
      reply.status(410).type('text/html; charset=utf-8').send(this.invalidLinkPage());
      return;
    }
    this.sendLinkPage(reply, token as string, safeReturnPath(next), info);
  }

  /** The page behind the link: a button, for staff with the code field (and the error of a failed try next to it). */
  private sendLinkPage(reply: FastifyReply, token: string, returnTo: string | null, info: LinkInfo, codeError?: string): void {
    const nonce = randomBytes(24).toString('base64url');
    reply.setCookie(LOGIN_COOKIE, nonce, { path: '/auth', httpOnly: true, sameSite: 'strict', secure: this.config.isHttpsPublicUrl, maxAge: 900 });
    const body = html`
      <h1>Inloggen</h1>
      <p>Klik op de knop om in te loggen bij Vraagbaak.</p>
      <form method="post" action="/auth/callback">
        <input type="hidden" name="token" value="${token}">
        <input type="hidden" name="login" value="${nonce}">
        ${returnField(returnTo)}
        ${info.needsCode
          ? html`<label for="code">Code uit uw authenticator-app (of een herstelcode)</label>
                 ${codeError ? html`<p class="error" id="code-error">${codeError}</p>` : ''}
                 <input id="code" name="code" autocomplete="one-time-code" inputmode="numeric" required maxlength="20"${raw(codeError ? ' aria-invalid="true" aria-describedby="code-error" autofocus' : '')}>`
          : ''}
        <p><button type="submit">Inloggen</button></p>
      </form>
      ${info.needsEnrolment ? html`<p class="muted">Na het inloggen stelt u eenmalig een tweede factor in met een authenticator-app.</p>` : ''}`;
    reply.type('text/html; charset=utf-8').send(page(codeError ? 'Fout: inloggen' : 'Inloggen', body));
  }

  @Post('callback')
  @Public()
  async signIn(
    @Body() body: Record<string, unknown> | undefined,
    @Req() request: FastifyRequest,
    @CurrentActor() actor: AuditActor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const token = typeof body?.token === 'string' ? body.token : '';
    const code = typeof body?.code === 'string' && body.code.trim() ? body.code.trim() : undefined;
    if (!sameNonce(request.cookies?.[LOGIN_COOKIE], body?.login)) {
      reply.status(403).type('text/html; charset=utf-8').send(page('Inloggen mislukt', html`<p class="error">Open de inloglink opnieuw vanuit uw e-mail en klik dan op Inloggen.</p>`));
      return;
    }
    try {
      const { session, sessionToken } = await this.auth.redeemLink(token, code, 'cookie', actor);
      const cookie = { path: '/', secure: this.config.isHttpsPublicUrl, sameSite: 'lax' as const, expires: session.expiresAt };
      reply.setCookie(SESSION_COOKIE, sessionToken, { ...cookie, httpOnly: true });
      // Readable by the page's own scripts, which echo it in X-CSRF-Token.
      reply.setCookie(CSRF_COOKIE, this.secrets.csrfToken(session.tokenHash), { ...cookie, httpOnly: false });
      reply.clearCookie(LOGIN_COOKIE, { path: '/auth' });
      const returnTo = safeReturnPath(body?.next);
      reply.redirect(session.mfaSatisfied ? afterSignIn(returnTo) : withReturnTo('/auth/second-factor', returnTo), 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error instanceof SecondFactorCodeError && error.attemptsLeft > 0) {
        // A missing or mistyped code: the same page again, the link still works.
        reply.status(error.status);
        this.sendLinkPage(reply, token, safeReturnPath(body?.next), { valid: true, needsCode: true, needsEnrolment: false }, error.message);
        return;
      }
      reply
        .status(error.status)
        .type('text/html; charset=utf-8')
        .send(page('Inloggen mislukt', html`<p class="error">${error.message}</p>${raw(this.requestLinkForm())}`));
    }
  }

  /** The form on pages for people who are not signed in: mails a link, says the same whoever asks. */
  @Post('sign-in-link')
  @Public()
  @HttpCode(200)
  async requestLink(@Body() body: Record<string, unknown> | undefined, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    // The API's rules (length included): a form must not store what the API refuses.
    const returnTo = safeReturnPath(body?.returnTo);
    let email: string;
    try {
      ({ email } = await validateForm(SignInLinkRequestDto, { email: body?.email, ...(returnTo ? { returnTo } : {}) }, { email: 'Het e-mailadres' }));
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      reply.status(400).type('text/html; charset=utf-8').send(page('Inloggen', html`<p class="error">Vul een geldig e-mailadres in. ${error.message}</p>`));
      return;
    }
    try {
      await this.auth.requestSignInLink(email, actor, returnTo);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      reply.status(error.status).type('text/html; charset=utf-8').send(page('Inloggen', html`<p class="error">${error.message}</p>`));
      return;
    }
    reply.type('text/html; charset=utf-8').send(
      page('Kijk in uw mail', html`<h1>Kijk in uw mail</h1><p>Als ${email} toegang heeft tot Vraagbaak, ontvangt u binnen een minuut een inloglink. De link is 15 minuten geldig.</p>`),
    );
  }

  @Get('signed-in')
  @SignedIn()
  @Header('Cache-Control', 'no-store')
  signedIn(@CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): void {
    reply.type('text/html; charset=utf-8').send(
      page(
        'Ingelogd',
        html`<h1>U bent ingelogd</h1>
          <p>Welkom, ${principal.user.displayName} (${principal.user.email}).</p>
          <p><a href="/api/docs">Naar de API-documentatie</a></p>`,
      ),
    );
  }

  @Get('second-factor')
  @SignedIn()
  @AllowDuringMfaEnrolment()
  @Header('Cache-Control', 'no-store')
  async secondFactorPage(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Query('next') next: unknown, @Res() reply: FastifyReply): Promise<void> {
    const returnTo = safeReturnPath(next);
    if (principal.user.totpSecret) {
      reply.redirect(afterSignIn(returnTo), 303);
      return;
    }
    const enrolment = await this.credentials.startTotpEnrolment(principal, actor);
    reply.type('text/html; charset=utf-8').send(
      page(
        'Tweede factor instellen',
        html`<h1>Tweede factor instellen</h1>
          <p>Medewerkers van de taskforce bevestigen elke aanmelding met een code uit een authenticator-app (BIO).
             Scan deze QR-code met de app, of voer de sleutel handmatig in.</p>
          <p><img src="${enrolment.qrCodeDataUrl}" alt="QR-code voor de authenticator-app" width="200" height="200"></p>
          <p class="muted">Sleutel: <code>${enrolment.secret}</code></p>
          <form method="post" action="/auth/second-factor">
            <input type="hidden" name="csrf" value="${this.secrets.csrfToken(principal.sessionTokenHash!)}">
            ${returnField(returnTo)}
            <label for="code">Code uit de app</label>
            <input id="code" name="code" autocomplete="one-time-code" inputmode="numeric" required pattern="[0-9]{6}" maxlength="6">
            <p><button type="submit">Bevestigen</button></p>
          </form>`,
      ),
    );
  }

  @Post('second-factor')
  @HttpCode(200)
  @SignedIn()
  @AllowDuringMfaEnrolment()
  async confirmSecondFactor(
    @Body() body: Record<string, unknown> | undefined,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: AuditActor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    try {
      const { recoveryCodes } = await this.credentials.confirmTotp(principal, typeof body?.code === 'string' ? body.code.trim() : '', actor);
      reply.type('text/html; charset=utf-8').send(
        page(
          'Tweede factor ingesteld',
          html`<h1>Tweede factor ingesteld</h1>
            <p>Bewaar deze herstelcodes op een veilige plek. Elke code werkt één keer, als u uw telefoon kwijt bent.</p>
            <ul>${recoveryCodes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
            <p><a href="${afterSignIn(safeReturnPath(body?.next))}">Verder</a></p>`,
        ),
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      reply.status(error.status).type('text/html; charset=utf-8').send(page('Code onjuist', html`<p class="error">De code is onjuist.</p><p><a href="${withReturnTo('/auth/second-factor', safeReturnPath(body?.next))}">Probeer het opnieuw</a></p>`));
    }
  }

  private invalidLinkPage(): string {
    return page('Link ongeldig', html`<h1>Deze inloglink werkt niet meer</h1><p>De link is ongeldig, verlopen (na 15 minuten) of al gebruikt.</p>${raw(this.requestLinkForm())}`);
  }

  private requestLinkForm(): string {
    return html`<p>Vraag via de Vraagbaak-app een nieuwe inloglink aan, of via de API: <code>POST /api/v1/auth/sign-in-links</code>.</p>`.value;
  }
}

/** Carries the page to return to through a sign-in form. */
function returnField(returnTo: string | null) {
  return returnTo ? html`<input type="hidden" name="next" value="${returnTo}">` : '';
}

function sameNonce(cookie: string | undefined, given: unknown): boolean {
  if (!cookie || typeof given !== 'string' || cookie.length !== given.length) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(given));
}
