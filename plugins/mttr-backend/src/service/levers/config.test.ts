import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readLeversConfig } from './config';

const DAY = 24 * 60 * 60 * 1000;
const read = (levers: JsonObject) =>
  readLeversConfig(new ConfigReader({ mttr: { levers } }));

describe('mttr.levers', () => {
  it('defaults to reviews of sev1 and sev2 due within 7 days, drill and game-day drills, auto-remediated automation', () => {
    expect(readLeversConfig(new ConfigReader({}))).toEqual({
      reviews: { severities: ['sev1', 'sev2'], dueWithinMs: 7 * DAY },
      drills: { labels: ['drill', 'game-day'] },
      automation: { labels: ['auto-remediated'] },
    });
  });

  it('reads every key', () => {
    expect(
      read({
        reviews: { severities: ['sev1'], dueWithin: { days: 3 } },
        drills: { labels: ['chaos'] },
        automation: { labels: ['self-healed', 'runbook-bot'] },
      }),
    ).toEqual({
      reviews: { severities: ['sev1'], dueWithinMs: 3 * DAY },
      drills: { labels: ['chaos'] },
      automation: { labels: ['self-healed', 'runbook-bot'] },
    });
    expect(read({ reviews: { dueWithin: '36h' } }).reviews.dueWithinMs).toBe(
      1.5 * DAY,
    );
  });

  it('stops with a message naming the key of a bad value', () => {
    expect(() =>
      read({ reviews: { severities: ['sev1', 'critical'] } }),
    ).toThrow(
      "Invalid config at mttr.levers.reviews.severities[1]: 'critical' is not one of sev1, sev2, sev3, sev4, sev5",
    );
    expect(() => read({ reviews: { dueWithin: 'soon' } })).toThrow(
      /^Invalid config at mttr.levers.reviews.dueWithin: /,
    );
    expect(() => read({ drills: { labels: 'drill' } })).toThrow(
      /^Invalid config at mttr.levers.drills.labels: /,
    );
    expect(() => read({ automation: { labels: ['ok', ' '] } })).toThrow(
      'Invalid config at mttr.levers.automation.labels[1]: a label must not be empty',
    );
  });
});
