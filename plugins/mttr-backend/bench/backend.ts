/*
 * The backend under benchmark, started by bench/run.ts in a process of its
 * own: prints `READY <port>` when it listens, stops on SIGTERM.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mttrPlugin } from '../src/plugin';
import { benchEntities } from './entities';

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

async function main() {
  const engine = flag('engine', 'sqlite');
  // --db-dir keeps the SQLite database for a later run with --skip-ingest.
  const kept = flag('db-dir', '');
  const dir = kept || mkdtempSync(join(tmpdir(), 'mttr-bench-'));
  const database =
    engine === 'sqlite'
      ? { client: 'better-sqlite3', connection: { directory: dir } }
      : { client: 'pg', connection: flag('pg', ''), prefix: 'bench_plugin_' };
  const backend = await startTestBackend({
    features: [
      mttrPlugin,
      catalogServiceMock.factory({
        entities: benchEntities(Number(flag('entities', '10000'))),
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: { database },
          mttr: {
            definitions: [
              {
                id: 'resolved',
                title: 'Time to resolve',
                excludeLabels: ['drill'],
                minDuration: '2m',
              },
              {
                id: 'mitigated',
                title: 'Time to mitigate',
                start: 'impact',
                end: 'mitigated',
                recurrenceWindow: '24h',
                excludeLabels: ['drill'],
              },
              { id: 'per-cycle', title: 'Per cycle', reopens: 'separate' },
            ],
          },
        },
      }),
    ],
  });
  const address = backend.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`READY ${port}\n`);
  process.on('SIGTERM', async () => {
    await backend.stop();
    if (!kept) {
      rmSync(dir, { recursive: true, force: true });
    }
    process.exit(0);
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
