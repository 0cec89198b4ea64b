// Jest runs in ESM mode (NestJS 12 ships as ES modules only); see README "Tests".
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: 'tsconfig.json' },
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // @fastify/static require()s this ESM-only package; Jest's CommonJS loader cannot (Node can).
    '^content-disposition$': 'content-disposition-cjs',
  },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
};
export default {
  maxWorkers: 2,
  testTimeout: 30000,
  projects: [
    // scripts/*.spec.mjs: the lint scripts' own logic (plain ES modules, not transformed).
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.mjs'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    // Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core; see README "Tests".
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
    // Real PostgreSQL + Redis, runs FLUSHALL: only through `npm run test:integration` (--runInBand), never in `npm test`.
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'] },
  ],
};
