import { Secret, TOTP } from 'otpauth';

/** RFC 6238 TOTP as authenticator apps use it: SHA-1, 6 digits, 30 s, ±1 step of clock drift. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'Vraagbaak WBS', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

export function totpUri(secret: string, label: string): string {
  return totp(secret, label).toString();
}

export function verifyTotp(secret: string, code: string, now: Date): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  return totp(secret, 'x').validate({ token: code, timestamp: now.getTime(), window: 1 }) !== null;
}

/** For tests and the CLI: the code an authenticator shows at `now`. */
export function currentTotp(secret: string, now: Date = new Date()): string {
  return totp(secret, 'x').generate({ timestamp: now.getTime() });
}
