import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlertmanagerTestBackend,
  startBackend,
} from './__testUtils__/startBackend';

/**
 * Debian's prometheus-alertmanager package (installed by .ci/run). Without
 * it the test is skipped, and says why in its name.
 */
const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';
const available = existsSync(ALERTMANAGER_BINARY);
const TOKEN = 'am-integration-token';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** Whole seconds before the test's start, as an operator's timestamps usually are. */
const TEST_START_MS = Math.floor(Date.now() / 1000) * 1000;
function secondsAgo(seconds: number) {
  return new Date(TEST_START_MS - seconds * 1000).toISOString();
}

describe.skipIf(!available)(
  available
    ? 'a real Alertmanager sending to the portal'
    : `a real Alertmanager sending to the portal (SKIPPED: ${ALERTMANAGER_BINARY} is not installed; apt-get install -y prometheus-alertmanager)`,
  () => {
    let backend: AlertmanagerTestBackend;
    let alertmanager: ChildProcess | undefined;
    let alertmanagerUrl: string;
    let workDir: string;
    let output = '';

    beforeAll(async () => {
      backend = await startBackend({ token: TOKEN });
      workDir = await mkdtemp(join(tmpdir(), 'mttr-alertmanager-'));
      const port = await freePort();
      alertmanagerUrl = `http://127.0.0.1:${port}`;
      // Each alert its own group ('...'), notified at once and re-checked
      // every second, so that firing and resolution arrive within seconds.
      // resolve_timeout only ends alerts posted without endsAt that are not
      // posted again; the test resolves by posting endsAt, so it stays long
      // enough never to end an alert while the test still expects it open.
      await writeFile(
        join(workDir, 'alertmanager.yml'),
        `
global:
  resolve_timeout: 5m
route:
  receiver: mttr
  group_by: ['...']
  group_wait: 100ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: mttr
    webhook_configs:
      - url: http://127.0.0.1:${backend.port}/api/mttr/webhooks/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${TOKEN}
`,
      );
      alertmanager = spawn(
        ALERTMANAGER_BINARY,
        [
          `--config.file=${join(workDir, 'alertmanager.yml')}`,
          `--storage.path=${join(workDir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          // No high-availability cluster: nothing listens on 9094.
          '--cluster.listen-address=',
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      alertmanager.stdout?.on('data', chunk => (output += chunk));
      alertmanager.stderr?.on('data', chunk => (output += chunk));
      await waitFor('Alertmanager to be ready', async () => {
        const res = await fetch(`${alertmanagerUrl}/-/ready`);
        return res.ok ? true : undefined;
      }).catch(error => {
        throw new Error(`${error.message}; Alertmanager said:\n${output}`);
      });
    }, 60_000);

    afterAll(async () => {
      if (alertmanager && alertmanager.exitCode === null) {
        const exited = new Promise(resolve =>
          alertmanager!.once('exit', resolve),
        );
        alertmanager.kill('SIGTERM');
        await exited;
      }
      await backend?.stop();
      if (workDir) {
        await rm(workDir, { recursive: true, force: true });
      }
    });

    async function postAlerts(alerts: unknown[]) {
      const res = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      expect(res.status).toBe(200);
    }

    async function incidentOf(entityRef: string, status: string) {
      return waitFor(`a ${status} incident of ${entityRef}`, async () => {
        const res = await backend.incidentsOf(entityRef);
        return res.body.items?.find(
          (i: { status: string }) => i.status === status,
        );
      });
    }

    it('turns a fired and resolved alert into an incident with its times, severity and links', async () => {
      const startsAt = secondsAgo(600);
      const alert = {
        labels: {
          alertname: 'CheckoutErrorRate',
          severity: 'critical',
          backstage_entity: 'component:default/checkout-web',
        },
        annotations: {
          summary: 'Checkout error rate above 5%',
          runbook_url: 'https://runbooks.example.com/checkout/errors',
        },
        generatorURL:
          'http://prometheus.example.com/graph?g0.expr=checkout_errors',
        startsAt,
      };

      await postAlerts([alert]);
      const open = await incidentOf('component:default/checkout-web', 'open');
      expect(open).toMatchObject({
        source: 'alertmanager',
        title: 'Checkout error rate above 5%',
        severity: 'sev1',
        startedAt: startsAt,
        runbookUrl: 'https://runbooks.example.com/checkout/errors',
        url: 'http://prometheus.example.com/graph?g0.expr=checkout_errors',
      });
      expect(open.incidentId).toBe(`${open.fingerprint}@${startsAt}`);

      const endsAt = secondsAgo(5);
      await postAlerts([{ ...alert, endsAt }]);
      const resolved = await incidentOf(
        'component:default/checkout-web',
        'resolved',
      );

      expect(resolved.incidentId).toBe(open.incidentId);
      expect(resolved.startedAt).toBe(startsAt);
      expect(resolved.resolvedAt).toBe(endsAt);
      // 600 s - 5 s between firing and resolution.
      expect(
        Date.parse(resolved.resolvedAt) - Date.parse(resolved.startedAt),
      ).toBe(595_000);
    });

    it("maps an alert through an entity's alert matchers, with its severity label", async () => {
      const startsAt = secondsAgo(120);

      await postAlerts([
        {
          labels: {
            alertname: 'SearchLatency',
            service: 'search',
            severity: 'warning',
          },
          annotations: { summary: 'Search p99 above 2s' },
          startsAt,
        },
      ]);
      const open = await incidentOf('component:default/search-service', 'open');

      expect(open).toMatchObject({
        title: 'Search p99 above 2s',
        severity: 'sev3',
        startedAt: startsAt,
        labels: [
          'alertname=SearchLatency',
          'service=search',
          'severity=warning',
        ],
      });
    });
  },
);
