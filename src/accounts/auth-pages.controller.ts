import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { Public, SignedIn } from '../common/access.js';
import { DomainError, InvalidInputError } from '../common/domain-errors.js';
import type { AuditActor } from '../audit/index.js';
import { validateForm } from '../infra/http/forms.js';
import { AppSecrets } from '../infra/secrets.js';
import { AllowDuringMfaEnrolment, CSRF_COOKIE, SESSION_COOKIE } from './access.guard.js';
import { SignInLinkRequestDto, type TotpEnrolmentDto } from './accounts.dto.js';
import { AuthService, type LinkInfo, SecondFactorCodeError } from './auth.service.js';
import { CredentialsService } from './credentials.service.js';
import { CurrentActor, CurrentPrincipal, type Principal } from './principal.js';
import { afterSignIn, safeReturnPath, withReturnTo } from '../infra/http/return-path.js';

const LOGIN_COOKIE = 'vraagbaak_login';

/**
 * The sign-in pages: `/inloggen` asks for a mailed link, the link's page signs in, `/uitloggen`
 * signs out. Mail scanners open links before people do, so GET on the link only shows a button;
 * only the POST spends the token. A login cookie bound to the form stops another site from
 * signing a victim in to the attacker's account.
 */
@ApiExcludeController()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly auth: AuthService,
    private readonly credentials: CredentialsService,
    private readonly secrets: AppSecrets,
    private readonly config: AppConfig,
  ) {}

  /** Asks for a sign-in link; `next` is the page to return to, `uitgelogd` says sign-out worked. */
  @Get('inloggen')
  @Public()
  @Header('Cache-Control', 'no-store')
  async signInPage(@Query('next') next: unknown, @Query('uitgelogd') signedOut: unknown, @Res() reply: FastifyReply): Promise<void> {
    await reply.view('inloggen.njk', { returnTo: safeReturnPath(next), signedOut: signedOut !== undefined, errors: [] });
  }

  /** The form on `/inloggen` and on 401 pages: mails a link, says the same whoever asks. */
  @Post('auth/sign-in-link')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async requestLink(@Body() body: Record<string, unknown> | undefined, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    // The API's rules (length included): a form must not store what the API refuses.
    const returnTo = safeReturnPath(body?.returnTo);
    const typed = typeof body?.email === 'string' ? body.email : '';
    let email: string;
    try {
      ({ email } = await validateForm(SignInLinkRequestDto, { email: typed, ...(returnTo ? { returnTo } : {}) }, {}));
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const reason = typed.trim() ? 'Vul een geldig e-mailadres in, zoals naam@gemeente.nl' : 'Vul uw e-mailadres in';
      reply.status(400);
      await reply.view('inloggen.njk', { returnTo, email: typed, emailError: reason, errors: [{ id: 'email', label: 'E-mailadres', reason }] });
      return;
    }
    try {
      await this.auth.requestSignInLink(email, actor, returnTo);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      reply.status(error.status);
      await reply.view('inloggen.njk', { returnTo, email: typed, problem: error.message, errors: [] });
      return;
    }
    await reply.view('inloggen-mail.njk', { email });
  }

  /** Signs out of this browser: the session ends and its cookies go. */
  @Post('uitloggen')
  @SignedIn()
  @AllowDuringMfaEnrolment()
  async signOut(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    await this.auth.signOut(principal, actor);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
    reply.redirect('/inloggen?uitgelogd', 303);
  }

  @Get('auth/callback')
  @Public()
  @Header('Cache-Control', 'no-store')
  async callbackPage(@Query('token') token: unknown, @Query('next') next: unknown, @Res() reply: FastifyReply): Promise<void> {
    const info = typeof token === 'string' && token.length <= 200 ? await this.auth.describeLink(token) : { valid: false, needsCode: false, needsEnrolment: false };
    if (!info.valid) {
      reply.status(410);
      await reply.view('inloggen.njk', { linkInvalid: true, returnTo: safeReturnPath(next), errors: [] });
      return;
    }
    await this.sendLinkPage(reply, token as string, safeReturnPath(next), info);
  }

  /** The page behind the link: a button, for staff with the code field (and the error of a failed try next to it). */
  private async sendLinkPage(reply: FastifyReply, token: string, returnTo: string | null, info: LinkInfo, codeError?: string): Promise<void> {
    const nonce = randomBytes(24).toString('base64url');
    reply.setCookie(LOGIN_COOKIE, nonce, { path: '/auth', httpOnly: true, sameSite: 'strict', secure: this.config.isHttpsPublicUrl, maxAge: 900 });
    await reply.view('inloglink.njk', {
      token,
      nonce,
      returnTo,
      needsCode: info.needsCode,
      needsEnrolment: info.needsEnrolment,
      codeError,
      errors: codeError ? [{ id: 'code', label: 'Code', reason: codeError }] : [],
    });
  }

  @Post('auth/callback')
  @Public()
  @Header('Cache-Control', 'no-store')
  async signIn(
    @Body() body: Record<string, unknown> | undefined,
    @Req() request: FastifyRequest,
    @CurrentActor() actor: AuditActor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const token = typeof body?.token === 'string' ? body.token : '';
    const code = typeof body?.code === 'string' && body.code.trim() ? body.code.trim() : undefined;
    const returnTo = safeReturnPath(body?.next);
    if (!sameNonce(request.cookies?.[LOGIN_COOKIE], body?.login)) {
      reply.status(403);
      await reply.view('inloggen.njk', { problem: 'Open de inloglink opnieuw vanuit uw e-mail en klik dan op Inloggen.', returnTo, errors: [] });
      return;
    }
    try {
      const { session, sessionToken } = await this.auth.redeemLink(token, code, 'cookie', actor);
      const cookie = { path: '/', secure: this.config.isHttpsPublicUrl, sameSite: 'lax' as const, expires: session.expiresAt };
      reply.setCookie(SESSION_COOKIE, sessionToken, { ...cookie, httpOnly: true });
      // Readable by the page's own scripts, which echo it in X-CSRF-Token.
      reply.setCookie(CSRF_COOKIE, this.secrets.csrfToken(session.tokenHash), { ...cookie, httpOnly: false });
      reply.clearCookie(LOGIN_COOKIE, { path: '/auth' });
      reply.redirect(session.mfaSatisfied ? afterSignIn(returnTo) : withReturnTo('/auth/second-factor', returnTo), 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      reply.status(error.status);
      if (error instanceof SecondFactorCodeError && error.attemptsLeft > 0) {
        // A missing or mistyped code: the same page again, the link still works.
        await this.sendLinkPage(reply, token, returnTo, { valid: true, needsCode: true, needsEnrolment: false }, error.message);
        return;
      }
      await reply.view('inloggen.njk', { problem: error.message, returnTo, errors: [] });
    }
  }

  @Get('auth/signed-in')
  @SignedIn()
  @Header('Cache-Control', 'no-store')
  async signedIn(@CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    await reply.view('ingelogd.njk', { email: principal.user.email });
  }

  @Get('auth/second-factor')
  @SignedIn()
  @AllowDuringMfaEnrolment()
  @Header('Cache-Control', 'no-store')
  async secondFactorPage(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Query('next') next: unknown, @Res() reply: FastifyReply): Promise<void> {
    const returnTo = safeReturnPath(next);
    if (principal.user.totpSecret) {
      reply.redirect(afterSignIn(returnTo), 303);
      return;
    }
    await this.sendEnrolmentPage(reply, principal, returnTo, await this.credentials.startTotpEnrolment(principal, actor));
  }

  /** The enrolment form; after a mistyped code without a new QR code, as the app already holds the key. */
  private async sendEnrolmentPage(reply: FastifyReply, principal: Principal, returnTo: string | null, enrolment: TotpEnrolmentDto | null, codeError?: string): Promise<void> {
    await reply.view('tweede-factor.njk', {
      enrolment,
      returnTo,
      codeError,
      errors: codeError ? [{ id: 'code', label: 'Code', reason: codeError }] : [],
    });
  }

  @Post('auth/second-factor')
  @HttpCode(200)
  @SignedIn()
  @AllowDuringMfaEnrolment()
  @Header('Cache-Control', 'no-store')
  async confirmSecondFactor(
    @Body() body: Record<string, unknown> | undefined,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: AuditActor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const returnTo = safeReturnPath(body?.next);
    try {
      const { recoveryCodes } = await this.credentials.confirmTotp(principal, typeof body?.code === 'string' ? body.code.trim() : '', actor);
      await reply.view('herstelcodes.njk', { recoveryCodes, next: afterSignIn(returnTo) });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      reply.status(error.status);
      await this.sendEnrolmentPage(reply, principal, returnTo, null, 'De code is onjuist. Voer de code in die de app nu toont.');
    }
  }
}

function sameNonce(cookie: string | undefined, given: unknown): boolean {
  if (!cookie || typeof given !== 'string' || cookie.length !== given.length) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(given));
}
