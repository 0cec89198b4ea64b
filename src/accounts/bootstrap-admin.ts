import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../infra/database/database.service.js';
import { SYSTEM_ACTOR } from '../audit/index.js';
import { Clock } from '../common/clock.js';
import { AuthService } from './auth.service.js';
import { UsersService } from './users.service.js';
import { User } from './user.entity.js';

/**
 * First start with an empty user table and BOOTSTRAP_ADMIN_EMAIL set: that address becomes
 * the first secretariat member, and its sign-in link is logged once (and mailed).
 */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.bootstrapAdminEmail;
    if (!email || (await this.db.manager.count(User)) > 0) return;
    const link = await this.db.transaction(async (m) => {
      // Re-checked inside the write transaction so two instances starting together create one admin.
      if ((await m.count(User)) > 0) return null;
      const { id } = await this.users.upsertWithin(m, { email, roles: ['secretariat'], displayName: 'Secretariaat' }, SYSTEM_ACTOR);
      return this.auth.issueLinkWithUrl(m, { email: email.toLowerCase(), userId: id, organisationCode: null, purpose: 'invitation' }, this.clock.now(), SYSTEM_ACTOR);
    });
    if (!link) return;
    this.logger.warn(`Created the first secretariat member ${email}. Sign in (once, within 7 days) at: ${link.url}`);
  }
}
