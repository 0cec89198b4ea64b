import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access.js';

/** `/toegankelijkheid`: the accessibility statement Dutch government sites must publish. */
@ApiExcludeController()
@Controller('toegankelijkheid')
export class AccessibilityPageController {
  @Get()
  @Public()
  async statement(@Res() reply: FastifyReply): Promise<void> {
    await reply.view('toegankelijkheid.njk');
  }
}
