import 'reflect-metadata';
import { isAbsolute, join, resolve } from 'node:path';
import {
  IsBoolean,
  IsEmail,
  MinLength,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidationError,
  validateSync,
} from 'class-validator';
import { IsHolidayKeyList, IsOfficeHours } from './calendar-settings.js';
import { IsTrustProxy, TrustProxy, parseTrustProxy } from './trust-proxy.js';

/**
 * Marks a config property as read from one environment variable.
 * The property initialiser is the default used in the embedded mode.
 */
const ENV_KEY = Symbol('env');
function Env(name: string): PropertyDecorator {
  return (target, property) => {
    const map: Map<string, string> = Reflect.getMetadata(ENV_KEY, target) ?? new Map();
    map.set(String(property), name);
    Reflect.defineMetadata(ENV_KEY, map, target);
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type DatabaseKind = 'sqlite' | 'postgres';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** What experts see besides their own assignments (see src/questions/question-visibility.ts). */
export const EXPERT_VISIBILITIES = ['assigned', 'keuzes'] as const;
export type ExpertVisibility = (typeof EXPERT_VISIBILITIES)[number];

/**
 * The one typed configuration of Vraagbaak. Every variable is documented in `.env.example`.
 * An empty variable counts as unset.
 */
export class AppConfig {
  @Env('NODE_ENV') @IsIn(['development', 'production', 'test'])
  nodeEnv: string = 'development';

  @Env('HOST') @IsString()
  host: string = '0.0.0.0';

  @Env('PORT') @IsInt() @Min(0) @Max(65535)
  port: number = 3000;

  /** Everything the app writes lives below this folder (SQLite file, mails, attachments, secrets). */
  @Env('DATA_DIR') @IsString()
  dataDir: string = './data';

  @Env('DATABASE_URL') @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, {
    message: '$property must be a postgres:// or postgresql:// URL (leave it empty for the embedded SQLite database)',
  })
  databaseUrl?: string;

  @Env('REDIS_URL') @IsOptional() @Matches(/^rediss?:\/\/.+/, { message: '$property must be a redis:// or rediss:// URL' })
  redisUrl?: string;

  /** `false` serves HTTP without job workers (scale workers separately with `npm run start:worker`). */
  @Env('WORKERS') @IsBoolean()
  workers: boolean = true;

  @Env('SMTP_URL') @IsOptional() @Matches(/^smtps?:\/\/.+/, { message: '$property must be an smtp:// or smtps:// URL' })
  smtpUrl?: string;

  /** SMTP connections the mailer keeps open at once; each carries one mail at a time. */
  @Env('SMTP_POOL_SIZE') @IsInt() @Min(1) @Max(100)
  smtpPoolSize: number = 8;

  /** Mails sent over one SMTP connection before it is replaced (a new connection costs a handshake). */
  @Env('SMTP_MESSAGES_PER_CONNECTION') @IsInt() @Min(1)
  smtpMessagesPerConnection: number = 1000;

  @Env('MAIL_DIR') @IsOptional() @IsString()
  mailDirSetting?: string;

  @Env('MAIL_FROM') @IsString()
  mailFrom: string = 'Vraagbaak WBS <vraagbaak@localhost>';

  /** Unset: `http://localhost:<PORT>`, so `PORT=3100 npm start` links to where it listens (see fromEnv). */
  @Env('PUBLIC_URL') @Matches(/^https?:\/\/[^/]+(\/.*[^/])?$/, {
    message: '$property must be an http(s) URL without a trailing slash, e.g. https://vraagbaak.example.nl',
  })
  publicUrl: string = 'http://localhost:3000';

  @Env('LOG_LEVEL') @IsIn(LOG_LEVELS)
  logLevel: (typeof LOG_LEVELS)[number] = 'info';

  /** Upper bound for JSON request bodies, in bytes. */
  @Env('BODY_LIMIT') @IsInt() @Min(1024) @Max(50 * 1024 * 1024)
  bodyLimit: number = 1024 * 1024;

  /** Milliseconds SQLite waits for a lock held by another process before giving up. */
  @Env('SQLITE_BUSY_TIMEOUT_MS') @IsInt() @Min(0) @Max(600_000)
  sqliteBusyTimeoutMs: number = 5000;

  @Env('DATABASE_POOL_SIZE') @IsInt() @Min(1) @Max(200)
  databasePoolSize: number = 10;

  /** Staff (expert, coordinator, secretariat) confirm every sign-in with a TOTP code. Turn off only for local development. */
  @Env('STAFF_MFA') @IsBoolean()
  staffMfa: boolean = true;

  /** Key for CSRF tokens and for encrypting TOTP secrets (≥ 32 characters). Unset: generated once into DATA_DIR/secrets.json. */
  @Env('APP_SECRET') @IsOptional() @IsString() @MinLength(32, { message: '$property must be at least 32 characters' })
  appSecret?: string;

  /** Lifetime of a browser session or API access token, in hours. */
  @Env('SESSION_TTL_HOURS') @IsInt() @Min(1) @Max(24 * 30)
  sessionTtlHours: number = 12;

  /** On first start with an empty user table this address becomes the first secretariat member. */
  @Env('BOOTSTRAP_ADMIN_EMAIL') @IsOptional() @IsEmail({}, { message: '$property must be an e-mail address' })
  bootstrapAdminEmail?: string;

  /**
   * Experts see the questions they are or were assigned (`assigned`); `keuzes` also shows them the
   * answered and closed questions about keuzes their expertise covers, to reuse earlier answers.
   */
  @Env('EXPERT_VISIBILITY') @IsIn(EXPERT_VISIBILITIES)
  expertVisibility: ExpertVisibility = 'assigned';

  /**
   * Proxies whose `X-Forwarded-For` the app believes (see src/config/trust-proxy.ts): addresses or
   * CIDR ranges, comma-separated. Unset: none, the client is the TCP peer.
   */
  @Env('TRUST_PROXY') @IsOptional() @IsTrustProxy()
  trustProxySetting?: string;

  /** Requests per minute per IP for callers that are not signed in (a whole office may share one IP). */
  @Env('RATE_LIMIT_ANONYMOUS_PER_MINUTE') @IsInt() @Min(1)
  rateLimitAnonymousPerMinute: number = 1000;

  /** Requests per minute per signed-in user (verified session or token). */
  @Env('RATE_LIMIT_AUTHENTICATED_PER_MINUTE') @IsInt() @Min(1)
  rateLimitAuthenticatedPerMinute: number = 1200;

  /** Sign-in links one e-mail address may request per hour. */
  @Env('SIGN_IN_LINKS_PER_EMAIL_PER_HOUR') @IsInt() @Min(1)
  signInLinksPerEmailPerHour: number = 5;

  /** Sign-in links one IP address may request per hour. */
  @Env('SIGN_IN_LINKS_PER_IP_PER_HOUR') @IsInt() @Min(1)
  signInLinksPerIpPerHour: number = 100;

  /** Comma-separated holiday keys (ALL_HOLIDAYS in src/calendar) that count as working days, e.g. `goede-vrijdag`. */
  @Env('HOLIDAYS_DISABLED') @IsHolidayKeyList()
  holidaysDisabled: string = '';

  /** Office hours in Europe/Amsterdam on working days, `HH:MM-HH:MM`; SLA time only runs inside them. */
  @Env('OFFICE_HOURS') @IsOfficeHours()
  officeHours: string = '09:00-17:00';

  /**
   * Jobs one worker process runs at the same time (the BullMQ worker, or the in-process queue
   * without Redis). Jobs mostly wait (for the database, SMTP), and the ones running at once share
   * their statements (routing, mail claims), so many at once pay off (docs/benchmarks.md, "Intake").
   */
  @Env('JOB_CONCURRENCY') @IsInt() @Min(1) @Max(100)
  jobConcurrency: number = 64;

  /**
   * Question intake waits (at most 10 s) while this many jobs or more wait to run, so mails do not
   * fall minutes behind under overload; 0 turns this off.
   */
  @Env('JOB_BACKLOG_LIMIT') @IsInt() @Min(0)
  jobBacklogLimit: number = 100;

  /**
   * Question intake also waits while jobs wait to run and the jobs of this process lately took longer
   * than this from ready to done (a moving average): the backlog bounded by the delay it causes rather
   * than by a count, whose delay depends on the machine; 0 turns this off. Needs workers in the
   * process (a WORKERS=false process has only the count).
   */
  @Env('JOB_LATENCY_TARGET_MS') @IsInt() @Min(0) @Max(60_000)
  jobLatencyTargetMs: number = 250;

  /** Milliseconds between reconciler runs, which re-enqueue work the database says is pending. */
  @Env('RECONCILE_INTERVAL_MS') @IsInt() @Min(1000) @Max(24 * 3600 * 1000)
  reconcileIntervalMs: number = 60_000;

  /**
   * How old (ms) the pre-aggregated statistics cells a request sums may be: a statistics request
   * includes every change committed this long before it, and waits for a refresh only when the
   * last one is older. 0: every change committed before the request (each waits for a refresh).
   */
  @Env('STATISTICS_MAX_STALENESS_MS') @IsInt() @Min(0) @Max(3_600_000)
  statisticsMaxStalenessMs: number = 5000;

  /**
   * The domain replies to Vraagbaak's mails go to (`<signed part>@MAIL_REPLY_DOMAIN`). Unset:
   * mails carry no Reply-To and say that a reply is not read.
   */
  @Env('MAIL_REPLY_DOMAIN') @IsOptional() @Matches(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, {
    message: '$property must be a domain name, e.g. antwoord.vraagbaak.example.nl',
  })
  mailReplyDomain?: string;

  /** Port of the built-in SMTP listener for replies (the relay forwards MAIL_REPLY_DOMAIN to it); unset: no listener; 0: any free port. */
  @Env('INBOUND_SMTP_PORT') @IsOptional() @IsInt() @Min(0) @Max(65535)
  inboundSmtpPort?: number;

  @Env('INBOUND_SMTP_HOST') @IsString()
  inboundSmtpHost: string = '0.0.0.0';

  /** Largest reply accepted, in bytes (SMTP SIZE; larger mails are refused, IMAP messages recorded as too large). */
  @Env('INBOUND_MAX_BYTES') @IsInt() @Min(1024) @Max(200 * 1024 * 1024)
  inboundMaxBytes: number = 25 * 1024 * 1024;

  /** PEM certificate and key files: with both, the listener offers STARTTLS. */
  @Env('INBOUND_TLS_CERT') @IsOptional() @IsString()
  inboundTlsCert?: string;

  @Env('INBOUND_TLS_KEY') @IsOptional() @IsString()
  inboundTlsKey?: string;

  /** A mailbox to poll for replies instead of (or besides) the listener: `imaps://user:pass@host:993`. */
  @Env('INBOUND_IMAP_URL') @IsOptional() @Matches(/^imaps?:\/\/.+/, { message: '$property must be an imap:// or imaps:// URL' })
  inboundImapUrl?: string;

  /** The folder replies arrive in. */
  @Env('INBOUND_IMAP_FOLDER') @IsString()
  inboundImapFolder: string = 'INBOX';

  /** Where stored messages are moved (created when missing). */
  @Env('INBOUND_IMAP_PROCESSED_FOLDER') @IsString()
  inboundImapProcessedFolder: string = 'Vraagbaak/Verwerkt';

  @Env('INBOUND_IMAP_POLL_MS') @IsInt() @Min(1000) @Max(3_600_000)
  inboundImapPollMs: number = 60_000;

  /** Replies one sender may have posted per hour; more are recorded, not posted. */
  @Env('INBOUND_REPLIES_PER_SENDER_PER_HOUR') @IsInt() @Min(1)
  inboundRepliesPerSenderPerHour: number = 30;

  /** Derived: which database the URL selects. */
  get databaseKind(): DatabaseKind {
    return this.databaseUrl ? 'postgres' : 'sqlite';
  }

  get dataPath(): string {
    return isAbsolute(this.dataDir) ? this.dataDir : resolve(process.cwd(), this.dataDir);
  }

  get sqlitePath(): string {
    return join(this.dataPath, 'vraagbaak.sqlite');
  }

  get mailDir(): string {
    if (!this.mailDirSetting) return join(this.dataPath, 'mail');
    return isAbsolute(this.mailDirSetting) ? this.mailDirSetting : resolve(process.cwd(), this.mailDirSetting);
  }

  /** TRUST_PROXY as Fastify's `trustProxy` takes it: false (trust nobody) or the proxies' addresses and ranges. */
  get trustProxy(): TrustProxy {
    return parseTrustProxy(this.trustProxySetting);
  }

  get isHttpsPublicUrl(): boolean {
    return this.publicUrl.startsWith('https://');
  }

  /** Reads, converts and validates the environment; throws a ConfigError naming each bad variable. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const config = new AppConfig();
    const names = AppConfig.envNames();
    const problems: string[] = [];
    for (const [property, name] of names) {
      const raw = env[name];
      if (raw === undefined || raw.trim() === '') continue;
      const type = Reflect.getMetadata('design:type', AppConfig.prototype, property);
      const value = convert(raw.trim(), type);
      if (value === INVALID) {
        problems.push(`${name} must be ${type === Boolean ? 'true or false' : 'a whole number'} (got "${raw}")`);
        continue;
      }
      (config as unknown as Record<string, unknown>)[property] = value;
    }
    if (!env.PUBLIC_URL?.trim()) config.publicUrl = `http://localhost:${config.port}`;
    for (const error of validateSync(config, { forbidUnknownValues: false })) {
      problems.push(describe(error, names));
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  }

  /** Property → environment variable name, for `.env.example` checks and messages. */
  static envNames(): Map<string, string> {
    return Reflect.getMetadata(ENV_KEY, AppConfig.prototype) as Map<string, string>;
  }
}

const INVALID = Symbol('invalid');

function convert(raw: string, type: unknown): unknown {
  if (type === Number) return /^-?\d+$/.test(raw) ? Number(raw) : INVALID;
  if (type === Boolean) {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    return INVALID;
  }
  return raw;
}

function describe(error: ValidationError, names: Map<string, string>): string {
  const name = names.get(error.property) ?? error.property;
  const reasons = Object.values(error.constraints ?? {}).map((m) => m.replace(/^\S+ /, ''));
  return `${name} ${reasons.join('; ')} (got "${String(error.value)}")`;
}
