import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, ConfigError } from './app-config.js';
import { APP_ROOT } from '../infra/app-root.js';

describe('AppConfig', () => {
  it('serves the embedded mode without any variable', () => {
    const config = AppConfig.fromEnv({});
    expect(config.port).toBe(3000);
    expect(config.databaseKind).toBe('sqlite');
    expect(config.sqlitePath).toBe(join(process.cwd(), 'data', 'vraagbaak.sqlite'));
    expect(config.mailDir).toBe(join(process.cwd(), 'data', 'mail'));
    expect(config.redisUrl).toBeUndefined();
    expect(config.workers).toBe(true);
  });

  it('derives PUBLIC_URL from PORT unless it is set', () => {
    expect(AppConfig.fromEnv({}).publicUrl).toBe('http://localhost:3000');
    expect(AppConfig.fromEnv({ PORT: '3100' }).publicUrl).toBe('http://localhost:3100');
    expect(AppConfig.fromEnv({ PORT: '3100', PUBLIC_URL: ' ' }).publicUrl).toBe('http://localhost:3100');
    expect(AppConfig.fromEnv({ PORT: '3100', PUBLIC_URL: 'https://vraagbaak.example.nl' }).publicUrl).toBe('https://vraagbaak.example.nl');
  });

  it('treats an empty variable as unset', () => {
    const config = AppConfig.fromEnv({ PORT: '', DATABASE_URL: '  ', REDIS_URL: '' });
    expect(config.port).toBe(3000);
    expect(config.databaseKind).toBe('sqlite');
    expect(config.redisUrl).toBeUndefined();
  });

  it('selects PostgreSQL from DATABASE_URL and derives paths from DATA_DIR', () => {
    const config = AppConfig.fromEnv({ DATABASE_URL: 'postgres://u@db/vb', DATA_DIR: '/srv/vb', WORKERS: 'false' });
    expect(config.databaseKind).toBe('postgres');
    expect(config.mailDir).toBe('/srv/vb/mail');
    expect(config.workers).toBe(false);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'localhost:6379'],
    ['PUBLIC_URL', 'https://example.nl/'],
    ['WORKERS', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['EXPERT_VISIBILITY', 'all'],
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', '1'],
    ['TRUST_PROXY', '10.0.0.256'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', '0.0.0.0/0'],
    ['TRUST_PROXY', '::/0'],
    ['TRUST_PROXY', '10.0.0.1, proxy.example.nl'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => AppConfig.fromEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => AppConfig.fromEnv({ [name]: value })).toThrow(new RegExp(`${name} `));
  });

  it('trusts no proxy unless TRUST_PROXY lists them, and shows experts their assignments by default', () => {
    expect(AppConfig.fromEnv({}).trustProxy).toBe(false);
    expect(AppConfig.fromEnv({ TRUST_PROXY: ' 10.0.0.5, 10.1.0.0/16 ,fd00::/8, loopback' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', 'loopback']);
    expect(AppConfig.fromEnv({}).expertVisibility).toBe('assigned');
    expect(AppConfig.fromEnv({ EXPERT_VISIBILITY: 'keuzes' }).expertVisibility).toBe('keuzes');
    expect(() => AppConfig.fromEnv({ TRUST_PROXY: '2' })).toThrow(/TRUST_PROXY must list the proxies.*hop counts/);
  });

  it('lists every problem at once', () => {
    try {
      AppConfig.fromEnv({ PORT: 'x', LOG_LEVEL: 'y' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  it('documents every variable in .env.example', () => {
    const example = readFileSync(join(APP_ROOT, '.env.example'), 'utf8');
    for (const name of AppConfig.envNames().values()) expect(example).toMatch(new RegExp(`^#?\\s*${name}=`, 'm'));
  });
});
