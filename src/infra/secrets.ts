import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';

/**
 * The app's secret key material. From APP_SECRET, or generated once and kept in
 * DATA_DIR/secrets.json so the embedded mode needs no configuration. Purpose-bound subkeys
 * are derived with HKDF, so one leaked use never exposes another.
 */
export class AppSecrets {
  private readonly csrfKey: Buffer;
  private readonly encryptionKey: Buffer;
  private readonly replyAddressKey: Buffer;

  constructor(master: string) {
    this.csrfKey = derive(master, 'vraagbaak:csrf');
    this.encryptionKey = derive(master, 'vraagbaak:encryption');
    this.replyAddressKey = derive(master, 'vraagbaak:reply-address');
  }

  /** MAC of a reply or bounce address's contents (src/inbound/reply-addresses.ts). */
  replyAddressMac(value: string): Buffer {
    return createHmac('sha256', this.replyAddressKey).update(value).digest();
  }

  static fromConfig(config: AppConfig): AppSecrets {
    if (config.appSecret) return new AppSecrets(config.appSecret);
    const file = join(config.dataPath, 'secrets.json');
    if (existsSync(file)) return new AppSecrets((JSON.parse(readFileSync(file, 'utf8')) as { appSecret: string }).appSecret);
    mkdirSync(config.dataPath, { recursive: true });
    const appSecret = randomBytes(32).toString('base64url');
    try {
      writeFileSync(file, JSON.stringify({ appSecret }), { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process created it first: use theirs.
      return new AppSecrets((JSON.parse(readFileSync(file, 'utf8')) as { appSecret: string }).appSecret);
    }
    return new AppSecrets(appSecret);
  }

  /** CSRF token bound to one session. */
  csrfToken(sessionTokenHash: string): string {
    return createHmac('sha256', this.csrfKey).update(sessionTokenHash).digest('base64url');
  }

  verifyCsrfToken(sessionTokenHash: string, given: string | undefined): boolean {
    if (!given) return false;
    const expected = Buffer.from(this.csrfToken(sessionTokenHash));
    const actual = Buffer.from(given);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  /** AES-256-GCM; output `v1.<iv>.<tag>.<ciphertext>` in base64url. */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1') throw new Error('Unknown encryption version');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

function derive(master: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, 'vraagbaak', purpose, 32));
}

/** A random bearer secret with a readable prefix (`vbs_` sessions, `vbp_` personal tokens, `vbl_` links). */
export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
