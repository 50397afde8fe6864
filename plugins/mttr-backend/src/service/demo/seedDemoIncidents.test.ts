import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseIncidentStore } from '../../database/DatabaseIncidentStore';
import { RecoveryDerivation } from '../derivation/RecoveryDerivation';
import { IncidentIngestion } from '../ingest/IncidentIngestion';
import { DEFAULT_RECOVERY_DEFINITION } from '@mttr-backstage/plugin-mttr-common';
import { demoHistory, seedDemoIncidents } from './seedDemoIncidents';

const NOW = Date.UTC(2026, 10, 27, 20, 0);
const HOUR = 3_600_000;

describe('the demo seed', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup() {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseIncidentStore.create({
      database: mockServices.database({ knex }),
    });
    const derivation = new RecoveryDerivation([DEFAULT_RECOVERY_DEFINITION]);
    const sink = new IncidentIngestion({ store, derivation });
    const logger = mockServices.logger.mock();
    return { store, sink, logger };
  }

  it('gives the same events for the same moment, and keeps them as time moves on', () => {
    const first = demoHistory(NOW);
    expect(demoHistory(NOW)).toEqual(first);
    const later = new Set(demoHistory(NOW + 3 * HOUR).map(e => e.eventId));
    // Every completed incident of the earlier history is still there later;
    // only the ongoing ones of the earlier block may be replaced.
    const kept = first.filter(e => !e.incidentId.startsWith('demo-ongoing-'));
    expect(kept.every(e => later.has(e.eventId))).toBe(true);
    // About six months of twelve services: hundreds of incidents.
    const incidents = new Set(first.map(e => e.incidentId));
    expect(incidents.size).toBeGreaterThan(300);
    const types = new Set(first.map(e => e.type));
    expect([...types].sort()).toEqual([
      'acknowledged',
      'mitigated',
      'reopened',
      'resolved',
      'triggered',
    ]);
    const labels = first.flatMap(e => e.incident?.labels ?? []);
    expect(labels).toContain('drill');
  });

  it('is idempotent across restarts and keeps a few incidents open', async () => {
    const { store, sink, logger } = await setup();
    const first = await seedDemoIncidents({
      sink,
      store,
      logger,
      now: () => NOW,
    });
    expect(first.accepted).toBeGreaterThan(1000);
    expect(first.duplicates).toBe(0);

    // A restart at the same moment adds nothing.
    const again = await seedDemoIncidents({
      sink,
      store,
      logger,
      now: () => NOW,
    });
    expect(again).toEqual({ accepted: 0, duplicates: first.accepted });

    const open = await store.listIncidents({
      statuses: ['open', 'mitigated'],
      limit: 100,
      offset: 0,
    });
    expect(open.totalCount).toBeGreaterThanOrEqual(3);
    expect(open.totalCount).toBeLessThanOrEqual(5);
    const services = open.items.flatMap(i => i.derived.mappingKeys);
    expect(services).toContain('pagerduty:service:PPAYAPI');
    expect(services).toContain('pagerduty:service:PCHKWEB');

    // A day later the old open incidents are resolved and new ones are open.
    await seedDemoIncidents({
      sink,
      store,
      logger,
      now: () => NOW + 24 * HOUR,
    });
    const later = await store.listIncidents({
      statuses: ['open', 'mitigated'],
      limit: 100,
      offset: 0,
    });
    expect(later.totalCount).toBe(open.totalCount);
    const before = new Set(open.items.map(i => i.derived.incidentId));
    expect(later.items.some(i => before.has(i.derived.incidentId))).toBe(false);
  });
});
