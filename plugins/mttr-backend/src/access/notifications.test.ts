import { TestDatabases } from '@backstage/backend-test-utils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import request from 'supertest';
import {
  as,
  startAccessBackend,
  TestClock,
} from './__testUtils__/accessBackend';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('access notifications', () => {
  const body = {
    entityRef: 'component:default/checkout-web',
    targetId: 'k8s',
    durationMinutes: 30,
    reason: 'pods crash',
  };

  it('tells the owning group of a pending request, and the requester of the decision', async () => {
    const sent: NotificationSendOptions[] = [];
    const backend = await startAccessBackend({
      knex: await databases.init('SQLITE_3'),
      clock: new TestClock(),
      notifications: { send: async n => void sent.push(n) },
    });
    try {
      const created = await request(backend.server)
        .post('/api/mttr/access-requests')
        .set('Authorization', as('dave'))
        .send(body);
      expect(sent).toEqual([
        expect.objectContaining({
          recipients: {
            type: 'entity',
            entityRef: ['group:default/team-storefront'],
            excludeEntityRef: 'user:default/dave',
          },
          payload: expect.objectContaining({
            title: 'Access request for Target k8s on checkout-web',
            severity: 'high',
          }),
        }),
      ]);
      await request(backend.server)
        .post(`/api/mttr/access-requests/${created.body.id}/approve`)
        .set('Authorization', as('carol'))
        .send({});
      expect(sent[1]).toMatchObject({
        recipients: { type: 'entity', entityRef: ['user:default/dave'] },
        payload: {
          title: expect.stringContaining('was approved by user:default/carol'),
        },
      });
    } finally {
      await backend.stop();
    }
  });

  it('keeps working when the notifications backend is missing or failing', async () => {
    const backend = await startAccessBackend({
      knex: await databases.init('SQLITE_3'),
      clock: new TestClock(),
      notifications: {
        send: async () => {
          throw new Error(
            'Failed to send notifications: Request failed with status 404',
          );
        },
      },
    });
    try {
      const created = await request(backend.server)
        .post('/api/mttr/access-requests')
        .set('Authorization', as('dave'))
        .send(body);
      expect(created.status).toBe(201);
      expect(created.body.status).toBe('pending');
      const denied = await request(backend.server)
        .post(`/api/mttr/access-requests/${created.body.id}/deny`)
        .set('Authorization', as('carol'))
        .send({ comment: 'not now' });
      expect(denied.body.status).toBe('denied');
    } finally {
      await backend.stop();
    }
  });
});
