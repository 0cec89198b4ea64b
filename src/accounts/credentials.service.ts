import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import { IsNull } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { AuditActor, AuditService } from '../audit/index.js';
import { Database } from '../infra/database/database.service.js';
import { AppSecrets, randomToken, sha256 } from '../infra/secrets.js';
import { ApiTokenDto, CreatedApiTokenDto, RecoveryCodesDto, TotpEnrolmentDto } from './accounts.dto.js';
import { ApiToken, RecoveryCode, Session } from './auth.entities.js';
import type { Principal } from './principal.js';
import { newTotpSecret, totpUri, verifyTotp } from './totp.js';
import { User } from './user.entity.js';

const RECOVERY_CODE_COUNT = 10;

function tokenDto(t: ApiToken): ApiTokenDto {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

/** Personal API tokens and the second factor (TOTP with recovery codes). */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly secrets: AppSecrets,
    private readonly audit: AuditService,
  ) {}

  async listTokens(userId: string): Promise<ApiTokenDto[]> {
    const tokens = await this.db.manager.find(ApiToken, { where: { userId }, order: { createdAt: 'DESC' } });
    return tokens.map(tokenDto);
  }

  async createToken(userId: string, name: string, expiresAt: string | undefined, actor: AuditActor): Promise<CreatedApiTokenDto> {
    const now = this.clock.now();
    const expiry = expiresAt ? new Date(expiresAt) : null;
    if (expiry && expiry <= now) throw new InvalidInputError([{ name: 'expiresAt', reason: 'moet in de toekomst liggen' }]);
    const token = randomToken('vbp');
    const row: ApiToken = { id: randomUUID(), tokenHash: sha256(token), prefix: token.slice(0, 8), userId, name, createdAt: now, expiresAt: expiry, lastUsedAt: null, revokedAt: null };
    await this.db.transaction(async (m) => {
      await m.insert(ApiToken, row);
      await this.audit.record(actor, { action: 'api-token.create', objectType: 'api-token', objectId: row.id, details: { userId, name } }, m);
    });
    return { ...tokenDto(row), token };
  }

  async revokeToken(userId: string, tokenId: string, actor: AuditActor): Promise<void> {
    await this.db.transaction(async (m) => {
      const token = await m.findOneBy(ApiToken, { id: tokenId, userId });
      if (!token) throw new NotFoundError('API-token', tokenId);
      await m.update(ApiToken, { id: tokenId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
      await this.audit.record(actor, { action: 'api-token.revoke', objectType: 'api-token', objectId: tokenId, details: { userId } }, m);
    });
  }

  /** Starts (or restarts) enrolment: a new secret waits for its first valid code. */
  async startTotpEnrolment(principal: Principal, actor: AuditActor): Promise<TotpEnrolmentDto> {
    if (principal.user.totpSecret) throw new ConflictError('Er is al een tweede factor ingesteld.', 'totp-enabled');
    const secret = newTotpSecret();
    await this.db.transaction(async (m) => {
      await m.update(User, { id: principal.user.id }, { totpPendingSecret: this.secrets.encrypt(secret) });
      await this.audit.record(actor, { action: 'auth.totp.enrolment-start', objectType: 'user', objectId: principal.user.id }, m);
    });
    const uri = totpUri(secret, principal.user.email);
    return { secret, otpauthUri: uri, qrCodeDataUrl: await QRCode.toDataURL(uri) };
  }

  /** Confirms enrolment with a valid code; the session becomes complete; returns recovery codes once. */
  async confirmTotp(principal: Principal, code: string, actor: AuditActor): Promise<RecoveryCodesDto> {
    const now = this.clock.now();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomBytes(5).toString('hex'));
    await this.db.transaction(async (m) => {
      const user = await m.findOneByOrFail(User, { id: principal.user.id });
      if (user.totpSecret) throw new ConflictError('Er is al een tweede factor ingesteld.', 'totp-enabled');
      if (!user.totpPendingSecret) throw new ConflictError('Start eerst het instellen van de tweede factor.', 'totp-not-started');
      if (!verifyTotp(this.secrets.decrypt(user.totpPendingSecret), code, now)) {
        await this.audit.record(actor, { action: 'auth.totp.enrolment-confirm', objectType: 'user', objectId: user.id, result: 'failure' }, m);
        throw new InvalidInputError([{ name: 'code', reason: 'de code is onjuist' }]);
      }
      await m.update(User, { id: user.id }, { totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpEnabledAt: now });
      await m.delete(RecoveryCode, { userId: user.id });
      await m.insert(RecoveryCode, codes.map((c) => ({ id: randomUUID(), userId: user.id, codeHash: sha256(c), usedAt: null })));
      if (principal.sessionId) await m.update(Session, { id: principal.sessionId }, { mfaSatisfied: true });
      await this.audit.record(actor, { action: 'auth.totp.enrolment-confirm', objectType: 'user', objectId: user.id }, m);
    });
    return { recoveryCodes: codes };
  }

  /** Secretariat: remove a member's second factor (lost phone); they enrol again at next sign-in. */
  async resetTotp(userId: string, actor: AuditActor): Promise<void> {
    await this.db.transaction(async (m) => {
      const result = await m.update(User, { id: userId }, { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null });
      if (!result.affected) throw new NotFoundError('Gebruiker', userId);
      await m.delete(RecoveryCode, { userId });
      await this.audit.record(actor, { action: 'auth.totp.reset', objectType: 'user', objectId: userId }, m);
    });
  }
}
