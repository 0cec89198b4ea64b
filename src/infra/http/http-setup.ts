import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../../config/app-config.js';

/**
 * A feature module's additions to the HTTP server (Fastify hooks and plugins) that must be in
 * place before the routes: createApp runs them in order, after cookies and before the body
 * parsers. The composition root (AppModule.httpSetup) lists them, so infra imports no feature module.
 */
export type HttpSetup = (app: NestFastifyApplication, config: AppConfig) => Promise<void> | void;
