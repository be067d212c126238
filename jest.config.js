// One jest config for unit specs (beside the code), e2e suites and proof gates (test/).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/tools', '<rootDir>/bench'],
  testRegex: '.*\\.(spec|e2e-spec|proof)\\.ts$',
  // test/postgres-*.e2e-spec.ts need a PostgreSQL server: collected only when TELEMETRY_DB_URL is set (CI's second run).
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.TELEMETRY_DB_URL ? [] : ['<rootDir>/test/postgres-[^/]*$'])],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
};
