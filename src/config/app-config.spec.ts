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
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => AppConfig.fromEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => AppConfig.fromEnv({ [name]: value })).toThrow(new RegExp(`${name} `));
  });

  it('shows experts their assignments unless EXPERT_VISIBILITY widens it', () => {
    expect(AppConfig.fromEnv({}).expertVisibility).toBe('assigned');
    expect(AppConfig.fromEnv({ EXPERT_VISIBILITY: 'keuzes' }).expertVisibility).toBe('keuzes');
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
