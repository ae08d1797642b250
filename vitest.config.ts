// One Vitest run for the whole repository. Server tests run once on PGlite and, when
// TEST_DATABASE_URL points at a PostgreSQL server, once more on it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = {
  '@guanxi/contracts': fileURLToPath(new URL('./packages/contracts/src/index.ts', import.meta.url)),
  '@guanxi/analytics': fileURLToPath(new URL('./packages/analytics/src/index.ts', import.meta.url)),
};

const serverProject = (name: string, db: string) => ({
  resolve: { alias },
  test: {
    name,
    include: ['apps/server/src/**/*.test.ts'],
    // `guanxi analyze` reads files and no database: once is enough.
    exclude: db === 'postgres' ? ['apps/server/src/analyze/**', '**/node_modules/**'] : ['**/node_modules/**'],
    env: { GUANXI_TEST_DB: db, LOG_LEVEL: 'silent' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'packages', include: ['packages/*/src/**/*.test.ts'], testTimeout: 60_000 },
      },
      serverProject('server:pglite', 'pglite'),
      ...(process.env.TEST_DATABASE_URL ? [serverProject('server:postgres', 'postgres')] : []),
    ],
  },
});
