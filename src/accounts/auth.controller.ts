import { Body, Controller, Delete, HttpCode, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public, SignedIn } from '../common/access.js';
import type { AuditActor } from '../audit/index.js';
import { AllowDuringMfaEnrolment, CSRF_COOKIE, SESSION_COOKIE } from './access.guard.js';
import { SessionDto, SessionRequestDto, SignInLinkRequestDto } from './accounts.dto.js';
import { AuthService } from './auth.service.js';
import { CurrentActor, CurrentPrincipal, type Principal } from './principal.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('sign-in-links')
  @Public()
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail a one-time sign-in link. Always 202: the answer never reveals whether the address is known.' })
  @ApiAcceptedResponse({ description: 'If the address may sign in, a link is on its way (valid 15 minutes).' })
  async requestLink(@Body() body: SignInLinkRequestDto, @CurrentActor() actor: AuditActor): Promise<void> {
    await this.auth.requestSignInLink(body.email, actor, body.returnTo ?? null);
  }

  @Post('sessions')
  @Public()
  @ApiOperation({ summary: 'Exchange a sign-in link token (and, for staff, a TOTP code) for a bearer access token.' })
  @ApiCreatedResponse({ type: SessionDto, description: 'The access token.' })
  async createSession(@Body() body: SessionRequestDto, @CurrentActor() actor: AuditActor): Promise<SessionDto> {
    const { session, sessionToken } = await this.auth.redeemLink(body.token, body.totp, 'bearer', actor);
    return { accessToken: sessionToken, tokenType: 'Bearer', expiresAt: session.expiresAt.toISOString() };
  }

  @Delete('sessions/current')
  @SignedIn()
  @AllowDuringMfaEnrolment()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the current browser session or bearer access token.' })
  @ApiNoContentResponse({ description: 'Signed out.' })
  async signOut(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.signOut(principal, actor);
    if (principal.via === 'cookie') {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
    }
  }
}
