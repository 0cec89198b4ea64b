import { isIP } from 'node:net';
import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * TRUST_PROXY: which peers may tell the app the client's address (`X-Forwarded-For`,
 * `X-Forwarded-Proto`, `X-Forwarded-Host`). Unset: none — the client is the TCP peer, so nobody can
 * pick the address the rate limits and the audit trail see. Otherwise what Fastify's `trustProxy`
 * accepts as a list: a comma-separated list of the proxies' addresses and CIDR ranges, e.g.
 * `10.0.0.5, 10.1.0.0/16`, or the names `loopback`, `linklocal` and `uniquelocal` (proxy-addr's
 * ranges). Not `true` (which would trust every client) and not a hop count: Fastify 5 ignores hop
 * counts, since they cannot tell a proxy from a client that connects directly.
 */
export type TrustProxy = false | string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Parses TRUST_PROXY; throws a RangeError saying what is wrong. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '') return false;
  if (/^\d+$/.test(value)) throw new RangeError('must list the proxies (addresses or CIDR ranges): Fastify does not trust hop counts');
  if (/^(true|false)$/i.test(value)) throw new RangeError('must list the proxies (addresses or CIDR ranges); true would trust every client');
  const items = value.split(',').map((item) => item.trim());
  const wrong = items.filter((item) => !isProxyAddress(item));
  if (wrong.length > 0) throw new RangeError(`must list IP addresses or CIDR ranges, not ${wrong.map((w) => `"${w}"`).join(', ')}`);
  return items;
}

function isProxyAddress(item: string): boolean {
  if (NAMED_RANGES.has(item)) return true;
  const [address, prefix, ...rest] = item.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  // A prefix of 0 (0.0.0.0/0, ::/0) would trust every peer, which is what `true` means: refused likewise.
  return Number(prefix) >= 1 && Number(prefix) <= (version === 4 ? 32 : 128);
}

export function IsTrustProxy(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTrustProxy',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            parseTrustProxy(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: (args) => {
          try {
            parseTrustProxy(String(args?.value));
            return '$property is invalid';
          } catch (error) {
            return `$property ${(error as Error).message}`;
          }
        },
      },
    },
    options,
  );
}
