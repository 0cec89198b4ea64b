import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { ForbiddenError, InvalidInputError, TooManyRequestsError, UnauthenticatedError } from '../common/domain-errors.js';
import { hasStaffRole } from '../common/access.js';
import { AuditActor, AuditService } from '../audit/index.js';
import { Database } from '../infra/database/database.service.js';
import { findWithJoined } from '../infra/database/sql.js';
import { AppSecrets, randomToken, sha256 } from '../infra/secrets.js';
import { NotificationsService } from '../notifications/index.js';
import { AccessRequest, ApiToken, RecoveryCode, Session, SessionKind, SignInDomain, SignInToken } from './auth.entities.js';
import type { Principal } from './principal.js';
import { User } from './user.entity.js';
import { verifyTotp } from './totp.js';
import { safeReturnPath, withReturnTo } from '../infra/http/return-path.js';

export const SIGN_IN_LINK_TTL_MS = 15 * 60 * 1000;
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_CODE_ATTEMPTS = 5;
const LINK_REQUEST_ACTION = 'auth.sign-in-link.request';
/** First key of the PostgreSQL advisory locks that serialise sign-in link requests per address and per IP (any fixed number). */
const LINK_LIMIT_LOCK_CLASS = 17_950_100;
/** Sessions record activity at most this often, so reads do not turn into writes. */
const LAST_SEEN_RESOLUTION_MS = 60 * 1000;

export interface LinkInfo {
  valid: boolean;
  /** The holder must enter a TOTP (or recovery) code with this link. */
  needsCode: boolean;
  /** Staff without a second factor yet: the browser session starts in enrolment mode. */
  needsEnrolment: boolean;
}

export interface LinkTarget {
  email: string;
  userId: string | null;
  organisationCode: string | null;
  purpose: SignInToken['purpose'];
  invitedRoles?: string[];
  /** A page of the app to open after signing in (checked by safeReturnPath). */
  returnTo?: string | null;
}

/**
 * A missing or wrong second-factor code. The link stays usable for `attemptsLeft` more tries
 * (none: it no longer works), so a typo costs no new mail.
 */
export class SecondFactorCodeError extends UnauthenticatedError {
  constructor(
    detail: string,
    readonly attemptsLeft: number,
  ) {
    super(detail);
  }
}

export interface SignInResult {
  sessionToken: string;
  session: Session;
  user: User;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}


/** Passwordless sign-in: one-time links, server-side sessions, second factor for staff. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly secrets: AppSecrets,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * Mails a sign-in link to a known active user or to a new requester from an allowed domain.
   * Anyone else is recorded as an access request. The caller always answers 202, whatever happens here.
   */
  async requestSignInLink(rawEmail: string, actor: AuditActor, returnTo: string | null = null): Promise<void> {
    const email = normaliseEmail(rawEmail);
    const domain = email.split('@')[1] ?? '';
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      await this.enforceLinkLimits(m, email, actor, now);
      const request = (result: 'success' | 'denied', reason: string) =>
        this.audit.record(actor, { action: LINK_REQUEST_ACTION, objectType: 'sign-in-link', objectId: email, result, details: { reason } }, m);
      const user = await m.findOneBy(User, { email });
      if (user && !user.active) {
        await request('denied', 'deactivated');
        return;
      }
      if (user) {
        await request('success', 'known user');
        await this.issueLink(m, { email, userId: user.id, organisationCode: null, purpose: 'sign-in', returnTo }, now, actor);
        return;
      }
      const allowed = await m.findOneBy(SignInDomain, { domain });
      if (allowed) {
        await request('success', 'allowed domain');
        await this.issueLink(m, { email, userId: null, organisationCode: allowed.organisationCode, purpose: 'sign-in', returnTo }, now, actor);
        return;
      }
      await this.recordAccessRequest(m, email, domain, now);
      await request('denied', 'unknown address');
    });
  }

  /**
   * Per address and per IP, counted from the audit trail in the database, so the limits hold
   * across instances and restarts. Refused requests count too. Runs in the transaction that records
   * the request, one request per address and per IP at a time, so concurrent requests cannot all
   * count the same total and pass together: on SQLite write transactions run one after another; on
   * PostgreSQL the request waits for a transaction-scoped advisory lock per address and per IP
   * (taken in sorted order, so two requests never wait for each other crosswise).
   */
  private async enforceLinkLimits(m: EntityManager, email: string, actor: AuditActor, now: Date): Promise<void> {
    if (this.db.kind === 'postgres') {
      const keys = [`email:${email}`, ...(actor.ip ? [`ip:${actor.ip}`] : [])].sort();
      for (const key of keys) await m.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LINK_LIMIT_LOCK_CLASS, key]);
    }
    const since = new Date(now.getTime() - 3_600_000);
    const window = (column: 'object_id' | 'ip', value: string) =>
      m
        .createQueryBuilder()
        .select('COUNT(*)', 'count')
        .addSelect('MIN(e.occurred_at)', 'oldest')
        .from('audit_events', 'e')
        .where('e.action = :action AND e.occurred_at > :since', { action: LINK_REQUEST_ACTION, since })
        .andWhere(`e.${column} = :value`, { value })
        .getRawOne<{ count: string | number; oldest: string | Date | null }>();
    const checks: [Promise<{ count: string | number; oldest: string | Date | null } | undefined>, number][] = [[window('object_id', email), this.config.signInLinksPerEmailPerHour]];
    if (actor.ip) checks.push([window('ip', actor.ip), this.config.signInLinksPerIpPerHour]);
    for (const [query, limit] of checks) {
      const row = await query;
      if (row && Number(row.count) >= limit) {
        const oldest = row.oldest ? new Date(typeof row.oldest === 'string' && !row.oldest.endsWith('Z') && !row.oldest.includes('+') ? `${row.oldest.replace(' ', 'T')}Z` : row.oldest) : now;
        throw new TooManyRequestsError((oldest.getTime() + 3_600_000 - now.getTime()) / 1000, 'U hebt te vaak een inloglink aangevraagd. Probeer het over een uur opnieuw.');
      }
    }
  }

  /** Creates a link and its mail inside the caller's transaction; returns the outbox id. */
  async issueLink(m: EntityManager, target: LinkTarget, now: Date, actor: AuditActor): Promise<string> {
    return (await this.issueLinkWithUrl(m, target, now, actor)).outboxId;
  }

  /** As issueLink, also returning the link itself (only the bootstrap logs it). */
  async issueLinkWithUrl(m: EntityManager, target: LinkTarget, now: Date, actor: AuditActor): Promise<{ outboxId: string; url: string }> {
    const token = randomToken('vbl');
    const ttl = target.purpose === 'invitation' ? INVITATION_TTL_MS : SIGN_IN_LINK_TTL_MS;
    const row: SignInToken = {
      id: randomUUID(),
      tokenHash: sha256(token),
      email: target.email,
      userId: target.userId,
      organisationCode: target.organisationCode,
      purpose: target.purpose,
      failedAttempts: 0,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttl),
      usedAt: null,
    };
    await m.insert(SignInToken, row);
    await this.audit.record(actor, { action: `auth.${target.purpose}-link.issue`, objectType: 'user', objectId: target.userId ?? target.email }, m);
    const returnTo = safeReturnPath(target.returnTo);
    const url = withReturnTo(`${this.config.publicUrl}/auth/callback?token=${encodeURIComponent(token)}`, returnTo);
    const recipient = { email: target.email, userId: target.userId };
    const eventKey = `sign-in-token:${row.id}`;
    const outboxId =
      target.purpose === 'invitation'
        ? await this.notifications.notify(m, { eventKey, recipient, template: 'invitation', data: { link: url, validDays: Math.round(ttl / 86_400_000), roles: target.invitedRoles ?? [] } })
        : await this.notifications.notify(m, { eventKey, recipient, template: 'sign-in-link', data: { link: url, validMinutes: Math.round(ttl / 60_000) } });
    return { outboxId, url };
  }

  private async recordAccessRequest(m: EntityManager, email: string, domain: string, now: Date): Promise<void> {
    const existing = await m.findOneBy(AccessRequest, { email });
    if (existing) {
      // Counted in SQL: concurrent requests for one address each add their attempt.
      await m.update(AccessRequest, { id: existing.id }, { attempts: () => 'attempts + 1', lastAttemptAt: now, ...(existing.status === 'rejected' ? {} : { status: 'pending' }) });
      return;
    }
    await m.insert(AccessRequest, { id: randomUUID(), email, domain, attempts: 1, status: 'pending', firstAttemptAt: now, lastAttemptAt: now, decidedBy: null, decidedAt: null });
  }

  /** What the callback page needs to know about a link, without spending it. */
  async describeLink(token: string): Promise<LinkInfo> {
    const link = await this.db.manager.findOneBy(SignInToken, { tokenHash: sha256(token) });
    if (!link || link.usedAt || link.expiresAt <= this.clock.now() || link.failedAttempts >= MAX_CODE_ATTEMPTS) {
      return { valid: false, needsCode: false, needsEnrolment: false };
    }
    const user = link.userId ? await this.db.manager.findOneBy(User, { id: link.userId }) : null;
    if (link.userId && (!user || !user.active)) return { valid: false, needsCode: false, needsEnrolment: false };
    const mfa = !!user && this.config.staffMfa && hasStaffRole(user.roles);
    return { valid: true, needsCode: mfa && !!user?.totpSecret, needsEnrolment: mfa && !user?.totpSecret };
  }

  /**
   * Spends a link (once) and starts a session. Staff must add a TOTP or recovery code; a wrong
   * code leaves the link usable for a few more tries so a typo does not cost a new mail.
   */
  async redeemLink(token: string, code: string | undefined, kind: SessionKind, actor: AuditActor): Promise<SignInResult> {
    const now = this.clock.now();
    const tokenHash = sha256(token);
    const outcome = await this.db.transaction(async (m) => {
      // On PostgreSQL the row is locked so that parallel wrong codes count one after another and the
      // attempt limit holds; SQLite runs write transactions one at a time already.
      const link = await m.findOne(SignInToken, { where: { tokenHash }, ...(this.db.kind === 'postgres' ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
      if (!link || link.usedAt || link.expiresAt <= now || link.failedAttempts >= MAX_CODE_ATTEMPTS) {
        await this.audit.record(actor, { action: 'auth.sign-in', objectType: 'user', objectId: link?.userId ?? null, result: 'failure', details: { reason: !link ? 'unknown link' : link.usedAt ? 'link already used' : 'link expired' } }, m);
        return { error: new UnauthenticatedError('Deze inloglink is ongeldig, verlopen of al gebruikt. Vraag een nieuwe aan.') };
      }
      let user = link.userId ? await m.findOneBy(User, { id: link.userId }) : await m.findOneBy(User, { email: link.email });
      if (user && !user.active) {
        await this.audit.record(actor, { action: 'auth.sign-in', objectType: 'user', objectId: user.id, result: 'denied', details: { reason: 'deactivated' } }, m);
        return { error: new UnauthenticatedError('Dit account is gedeactiveerd.') };
      }
      let mfaSatisfied = true;
      if (user && this.config.staffMfa && hasStaffRole(user.roles)) {
        if (!user.totpSecret) {
          if (kind === 'bearer') {
            return { error: new ForbiddenError('Stel eerst in de browser een tweede factor (authenticator-app) in; daarna kunt u ook via de API inloggen.') };
          }
          mfaSatisfied = false;
        } else if (!(await this.checkSecondFactor(m, user, code, now))) {
          await m.update(SignInToken, { id: link.id }, { failedAttempts: link.failedAttempts + 1 });
          await this.audit.record(actor, { action: 'auth.sign-in', objectType: 'user', objectId: user.id, result: 'failure', details: { reason: code ? 'wrong second-factor code' : 'second-factor code missing' } }, m);
          const attemptsLeft = MAX_CODE_ATTEMPTS - link.failedAttempts - 1;
          const problem = code ? 'De code is onjuist.' : 'Voer de code uit uw authenticator-app in.';
          const next = attemptsLeft > 0 ? `U kunt het nog ${attemptsLeft} keer proberen.` : 'Deze inloglink werkt nu niet meer; vraag een nieuwe aan.';
          return { error: new SecondFactorCodeError(`${problem} ${next}`, attemptsLeft) };
        }
      }
      // Spend the link; the condition makes a concurrent second use lose.
      const spent = await m.update(SignInToken, { id: link.id, usedAt: IsNull() }, { usedAt: now });
      if (spent.affected !== 1) return { error: new UnauthenticatedError('Deze inloglink is al gebruikt.') };
      if (!user) {
        user = User.create({ email: link.email, roles: ['requester'], organisationCode: link.organisationCode }, now);
        await m.insert(User, user);
        await this.audit.record(actor, { action: 'user.create', objectType: 'user', objectId: user.id, details: { via: 'allowed domain', roles: user.roles } }, m);
      }
      await m.update(User, { id: user.id }, { lastSignInAt: now });
      const { session, sessionToken } = await this.startSession(m, user.id, kind, mfaSatisfied, actor.ip, now);
      await this.audit.record({ actorId: user.id, ip: actor.ip }, { action: 'auth.sign-in', objectType: 'user', objectId: user.id, details: { kind, mfaSatisfied } }, m);
      return { result: { session, sessionToken, user } };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  }

  /** A TOTP code, or one unused recovery code (which it spends). */
  async checkSecondFactor(m: EntityManager, user: User, code: string | undefined, now: Date): Promise<boolean> {
    if (!code || !user.totpSecret) return false;
    const normalised = code.replace(/\s+/g, '');
    if (/^\d{6}$/.test(normalised)) return verifyTotp(this.secrets.decrypt(user.totpSecret), normalised, now);
    const recovery = await m.findOneBy(RecoveryCode, { userId: user.id, codeHash: sha256(normalised.toLowerCase()), usedAt: IsNull() });
    if (!recovery) return false;
    const spent = await m.update(RecoveryCode, { id: recovery.id, usedAt: IsNull() }, { usedAt: now });
    return spent.affected === 1;
  }

  async startSession(m: EntityManager, userId: string, kind: SessionKind, mfaSatisfied: boolean, ip: string | null, now: Date) {
    const sessionToken = randomToken('vbs');
    const session: Session = {
      id: randomUUID(),
      tokenHash: sha256(sessionToken),
      userId,
      kind,
      mfaSatisfied,
      ip,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessionTtlHours * 3_600_000),
      lastSeenAt: now,
      revokedAt: null,
    };
    await m.insert(Session, session);
    return { session, sessionToken };
  }

  /**
   * Resolves a presented credential to a principal. Returns null when nothing was presented and
   * throws UnauthenticatedError when something was presented but is not (or no longer) valid.
   */
  async authenticate(credential: { bearer?: string; cookie?: string }): Promise<Principal | null> {
    const now = this.clock.now();
    if (credential.bearer?.startsWith('vbp_')) return this.authenticateApiToken(credential.bearer, now);
    const token = credential.bearer ?? credential.cookie;
    if (!token) return null;
    const via = credential.bearer ? 'bearer' : 'cookie';
    // Credential and user in one query: this runs on every request.
    const found = await findWithJoined(this.db.manager, Session, 'tokenHash', sha256(token), 'userId', User);
    const session = found?.row;
    if (!session || session.revokedAt || session.expiresAt <= now || session.kind !== via) throw new UnauthenticatedError('Uw sessie is verlopen; log opnieuw in.');
    const user = found.joined;
    if (!user || !user.active) throw new UnauthenticatedError('Dit account is gedeactiveerd.');
    if (now.getTime() - session.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
      void this.db.transaction((m) => m.update(Session, { id: session.id }, { lastSeenAt: now })).catch(() => undefined);
    }
    return { user, via, sessionId: session.id, sessionTokenHash: session.tokenHash, mfaSatisfied: session.mfaSatisfied };
  }

  private async authenticateApiToken(token: string, now: Date): Promise<Principal> {
    const found = await findWithJoined(this.db.manager, ApiToken, 'tokenHash', sha256(token), 'userId', User);
    const row = found?.row;
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) throw new UnauthenticatedError('Dit API-token is ongeldig, verlopen of ingetrokken.');
    const user = found.joined;
    if (!user || !user.active) throw new UnauthenticatedError('Dit account is gedeactiveerd.');
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
      void this.db.transaction((m) => m.update(ApiToken, { id: row.id }, { lastUsedAt: now })).catch(() => undefined);
    }
    return { user, via: 'api-token', apiTokenId: row.id, mfaSatisfied: true };
  }

  async signOut(principal: Principal, actor: AuditActor): Promise<void> {
    if (!principal.sessionId) throw new InvalidInputError([{ name: 'Authorization', reason: 'een persoonlijk API-token is geen sessie; trek het in via /me/tokens' }]);
    await this.db.transaction(async (m) => {
      await m.update(Session, { id: principal.sessionId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
      await this.audit.record(actor, { action: 'auth.sign-out', objectType: 'user', objectId: principal.user.id, details: { kind: principal.via } }, m);
    });
  }

  /** Ends every session and token of a user at once (deactivation). */
  async revokeAllFor(m: EntityManager, userId: string): Promise<void> {
    const now = this.clock.now();
    await m.update(Session, { userId, revokedAt: IsNull() }, { revokedAt: now });
    await m.update(ApiToken, { userId, revokedAt: IsNull() }, { revokedAt: now });
  }

  csrfTokenFor(principal: Principal): string | undefined {
    return principal.via === 'cookie' && principal.sessionTokenHash ? this.secrets.csrfToken(principal.sessionTokenHash) : undefined;
  }
}
