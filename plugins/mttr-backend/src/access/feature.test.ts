import { createBackendModule } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { mttrAccessRequestsExtensionPoint } from '@mttr-backstage/plugin-mttr-node';
import request from 'supertest';
import {
  as,
  startAccessBackend,
  TestClock,
} from './__testUtils__/accessBackend';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** A module that files one request for alice through the door, unless she has one open. */
const filingModule = createBackendModule({
  pluginId: 'mttr',
  moduleId: 'test-filing',
  register(reg) {
    reg.registerInit({
      deps: { access: mttrAccessRequestsExtensionPoint },
      async init({ access }) {
        access.whenStarted('mttr.test-filing', async requests => {
          await requests.fileRequest(
            {
              requester: 'user:default/alice',
              entityRef: 'component:default/payments-api',
              targetId: 'k8s',
              durationMinutes: 30,
              reason: 'restart the stuck charge workers',
            },
            { unlessOpen: true },
          );
        });
      },
    });
  },
});

describe('the access feature', () => {
  it('is not started without targets: no migrations, no expiry task, and its routes answer 404 saying so', async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startAccessBackend({
      knex,
      clock: new TestClock(),
      targets: [],
    });
    try {
      for (const path of [
        '/api/mttr/access-targets?entityRef=component:default/payments-api',
        '/api/mttr/access-requests',
        '/api/mttr/access-requests/r1',
        '/api/mttr/access-audit/verify',
      ]) {
        const res = await request(backend.server)
          .get(path)
          .set('Authorization', as('guest'));
        expect({ path, status: res.status, body: res.body.error }).toEqual({
          path,
          status: 404,
          body: {
            name: 'NotFoundError',
            message:
              'Just-in-time access is not configured (mttr.access.targets)',
          },
        });
      }
      // Who is on call is the card's, not access's: still answered.
      const onCall = await request(backend.server)
        .get('/api/mttr/on-call?entityRef=component:default/payments-api')
        .set('Authorization', as('guest'));
      expect(onCall.status).toBe(200);
      expect(onCall.body).toEqual({ items: expect.any(Array) });
      expect(backend.scheduledTaskIds).toEqual([]);
      expect(await knex.schema.hasTable('access_requests')).toBe(false);
      expect(await knex.schema.hasTable('mttr_access_knex_migrations')).toBe(
        false,
      );
    } finally {
      await backend.stop();
    }
  });

  it('answers the audit verification only to holders of mttr.access.audit', async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startAccessBackend({ knex, clock: new TestClock() });
    try {
      expect(backend.scheduledTaskIds).toEqual(['mttr-access-expiry']);
      const denied = await request(backend.server)
        .get('/api/mttr/access-audit/verify')
        .set('Authorization', as('mallory'));
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toBe(
        'You lack the mttr.access.audit permission',
      );
      const allowed = await request(backend.server)
        .get('/api/mttr/access-audit/verify')
        .set('Authorization', as('guest'));
      expect(allowed.status).toBe(200);
      expect(allowed.body).toEqual({ ok: true, checked: 0 });
    } finally {
      await backend.stop();
    }
  });

  it('lets a module file a request for a named user once access has started, audited as filed by the module, and only once', async () => {
    const knex = await databases.init('SQLITE_3');
    const clock = new TestClock();
    for (let start = 0; start < 2; start++) {
      const backend = await startAccessBackend({
        knex,
        clock,
        features: [filingModule],
      });
      try {
        const toApprove = await request(backend.server)
          .get('/api/mttr/access-requests?toApprove=true')
          .set('Authorization', as('guest'));
        expect(toApprove.status).toBe(200);
        expect(
          toApprove.body.items.map((r: any) => [
            r.requester,
            r.entityRef,
            r.targetId,
            r.status,
            r.durationMinutes,
          ]),
        ).toEqual([
          [
            'user:default/alice',
            'component:default/payments-api',
            'k8s',
            'pending',
            30,
          ],
        ]);
      } finally {
        await backend.stop();
      }
    }
    const events = await knex('access_events').orderBy('seq');
    expect(events.map(e => [e.actor, e.action])).toEqual([
      ['user:default/alice', 'requested'],
    ]);
    expect(JSON.parse(events[0].details)).toMatchObject({
      filedBy: 'mttr.test-filing',
      targetId: 'k8s',
    });
  });
});
