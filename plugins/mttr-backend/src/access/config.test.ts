import { ConfigReader } from '@backstage/config';
import {
  readAccessConfig,
  readOnCallSchedules,
  worstExpiryDelayMs,
} from './config';

const target = (more: Record<string, unknown> = {}) => ({
  id: 'db',
  title: 'DB',
  maxDuration: '4h',
  provider: 'record-only',
  approval: { policy: 'approver' },
  ...more,
});

const read = (targets: any[]) =>
  readAccessConfig(new ConfigReader({ mttr: { access: { targets } } }));

describe('reading mttr.access', () => {
  it('reads durations in minutes with their defaults', () => {
    const t = read([target({ defaultDuration: '30m' })]).targets.get('db')!;
    expect(t).toMatchObject({
      maxDurationMinutes: 240,
      defaultDurationMinutes: 30,
      requireOpenIncident: true,
      pendingTimeoutMs: 3_600_000,
      approvalsRequired: 1,
    });
  });

  it('reads durations in every form Backstage reads them', () => {
    const t = read([
      target({
        maxDuration: 'PT2H',
        defaultDuration: { minutes: 45 },
        pendingTimeout: '1.5h',
      }),
    ]).targets.get('db')!;
    expect(t).toMatchObject({
      maxDurationMinutes: 120,
      defaultDurationMinutes: 45,
      pendingTimeoutMs: 5_400_000,
    });
    const access = readAccessConfig(
      new ConfigReader({
        mttr: {
          access: {
            targets: [target()],
            expiryCheckInterval: { seconds: 5 },
            revocationLease: '30 seconds',
          },
        },
      }),
    );
    expect(access).toMatchObject({
      expiryCheckIntervalMs: 5_000,
      revocationLeaseMs: 30_000,
    });
  });

  it('refuses bad values at start-up, naming the key', () => {
    expect(() => read([target({ maxDuration: 'forever' })])).toThrow(
      "Invalid duration 'forever' at 'mttr.access.targets[0].maxDuration'",
    );
    expect(() => read([target({ approval: { policy: 'whoever' } })])).toThrow(
      "'mttr.access.targets[0].approval.policy'",
    );
    expect(() => read([target(), target()])).toThrow(
      "Duplicate target id 'db' at 'mttr.access.targets[1].id'",
    );
    expect(() => read([target({ defaultDuration: '5h' })])).toThrow(
      "'mttr.access.targets[0].defaultDuration' is longer",
    );
    expect(() =>
      read([target({ approval: { policy: 'approver', approvals: 0 } })]),
    ).toThrow("'mttr.access.targets[0].approval.approvals'");
    expect(() => read([target({ pendingTimeout: '1x' })])).toThrow(
      "'mttr.access.targets[0].pendingTimeout'",
    );
  });

  it('reads the expiry cadence and the revocation lease, 40 s late at worst with the defaults', () => {
    const defaults = read([target()]);
    expect(defaults).toMatchObject({
      expiryCheckIntervalMs: 10_000,
      revocationLeaseMs: 20_000,
    });
    // 10 s until a replica looks + 20 s of a dead holder's lease + 10 s
    // until a live replica looks again
    expect(worstExpiryDelayMs(defaults)).toBe(40_000);

    const access = (more: Record<string, unknown>) =>
      readAccessConfig(
        new ConfigReader({
          mttr: { access: { targets: [target()], ...more } },
        }),
      );
    expect(access({ revocationLease: '45s' }).revocationLeaseMs).toBe(45_000);
    expect(() => access({ revocationLease: '500ms' })).toThrow(
      "Invalid duration '500ms' at 'mttr.access.revocationLease'",
    );
    expect(() => access({ expiryCheckInterval: 'often' })).toThrow(
      "Invalid duration 'often' at 'mttr.access.expiryCheckInterval'",
    );
  });

  it('reads the on-call schedules of the built-in lookup', () => {
    const schedules = readOnCallSchedules(
      new ConfigReader({
        mttr: {
          onCall: {
            schedules: [
              {
                entityRef: 'Component:default/checkout-web',
                onCall: [
                  {
                    user: 'user:default/guest',
                    name: 'Guest',
                    escalationLevel: 2,
                  },
                ],
              },
            ],
          },
        },
      }),
    );
    expect(schedules.get('component:default/checkout-web')).toEqual([
      { userRef: 'user:default/guest', name: 'Guest', escalationLevel: 2 },
    ]);
  });
});
