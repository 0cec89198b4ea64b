import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/app-config.js';
import { AuthService } from './auth.service.js';
import { registerPrivateResponses } from './private-responses.js';
import { registerRateLimits } from './rate-limit.js';

/**
 * The accounts module's part of the HTTP server (an `HttpSetup`, see infra/http/http-setup.ts):
 * rate limits by credential and `Cache-Control: no-store` on private answers. The composition
 * root (AppModule.httpSetup) hands it to createApp, so infra does not import accounts.
 */
export async function installAccountsHttp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await registerRateLimits(fastify, config, app.get(AuthService));
  registerPrivateResponses(fastify);
}
