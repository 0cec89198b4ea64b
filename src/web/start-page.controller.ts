import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access.js';
import { CurrentPrincipal, type Principal } from '../accounts/principal.js';

/**
 * `/`: what Vraagbaak is, a sign-in form and the way to the API docs — a placeholder until the
 * web interface builds the real start page (search, themes, asking a question).
 */
@ApiExcludeController()
@Controller()
export class StartPageController {
  @Get()
  @Public()
  // Shows who is signed in.
  @Header('Cache-Control', 'no-store')
  async start(@CurrentPrincipal() principal: Principal | undefined, @Res() reply: FastifyReply): Promise<void> {
    await reply.view('start.njk', { user: principal ? { displayName: principal.user.displayName, email: principal.user.email } : null });
  }
}
