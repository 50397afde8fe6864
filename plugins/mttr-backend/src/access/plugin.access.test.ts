import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import {
  asUser,
  component,
  startMttrTestBackend,
} from '../__testUtils__/mttrTestBackend';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-storefront', namespace: 'default' },
  spec: { type: 'team', children: [] },
  relations: [{ type: 'hasMember', targetRef: 'user:default/carol' }],
};

describe('just-in-time access in the mttr plugin', () => {
  it('grants an on-call engineer access tied to an incident the plugin has ingested, and not once it is resolved', async () => {
    const backend = await startMttrTestBackend({
      entities: [
        team,
        component('checkout-web', {
          owner: 'team-storefront',
          annotations: { 'mttr.dev/access-targets': 'prod-db-readonly' },
        }),
      ],
      config: {
        mttr: {
          definitions: [{ id: 'resolved', title: 'Time to resolve' }],
          access: {
            targets: [
              {
                id: 'prod-db-readonly',
                title: 'Production database (read-only)',
                maxDuration: '4h',
                defaultDuration: '1h',
                provider: 'record-only',
                approval: { policy: 'auto-on-call' },
              },
            ],
          },
          onCall: {
            schedules: [
              {
                entityRef: 'component:default/checkout-web',
                onCall: [{ user: 'user:default/guest', name: 'Guest' }],
              },
            ],
          },
        },
      },
    });
    try {
      const now = Date.now();
      const sent = await backend.send([
        {
          source: 'pagerduty',
          incidentId: 'INC-1',
          eventId: 'e1',
          type: 'triggered',
          at: new Date(now - 600_000).toISOString(),
          incident: {
            title: 'Checkout errors',
            entityRefs: ['component:default/checkout-web'],
          },
        },
      ]);
      expect(sent.status).toBe(200);

      const ask = () =>
        request(backend.server)
          .post('/api/mttr/access-requests')
          .set('Authorization', asUser('user:default/guest'))
          .send({
            entityRef: 'component:default/checkout-web',
            targetId: 'prod-db-readonly',
            incident: { source: 'pagerduty', incidentId: 'INC-1' },
            durationMinutes: 60,
            reason: 'Checkout errors',
          });
      const granted = await ask();
      expect(granted.status).toBe(201);
      expect(granted.body.status).toBe('active');

      const targets = await backend.get(
        '/access-targets?entityRef=component:default/checkout-web',
      );
      expect(targets.body.items.map((t: any) => t.id)).toEqual([
        'prod-db-readonly',
      ]);
      const onCall = await backend.get(
        '/on-call?entityRef=component:default/checkout-web',
      );
      expect(onCall.body.items).toEqual([
        { userRef: 'user:default/guest', name: 'Guest', escalationLevel: 1 },
      ]);

      await backend.send([
        {
          source: 'pagerduty',
          incidentId: 'INC-1',
          eventId: 'e2',
          type: 'resolved',
          at: new Date(now - 60_000).toISOString(),
        },
      ]);
      const refused = await ask();
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('is not an open incident');
    } finally {
      await backend.stop();
    }
  });
});
