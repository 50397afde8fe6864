import { backoffDelayMs, withRetry } from './retry';

describe('withRetry', () => {
  const noSleep = () => {
    const waits: number[] = [];
    return { waits, sleep: async (ms: number) => void waits.push(ms) };
  };

  it('returns the first success and waits with doubling, jittered delays', async () => {
    const { waits, sleep } = noSleep();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 4) throw new Error(`fail ${calls}`);
        return 'ok';
      },
      { attempts: 5, baseDelayMs: 100, sleep, random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    // delays 100, 200, 400; equal jitter at 0.5: d/2 + d/4
    expect(waits).toEqual([75, 150, 300]);
  });

  it('throws the last error once the attempts are used up', async () => {
    const { waits, sleep } = noSleep();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error(`fail ${calls}`);
        },
        { attempts: 3, baseDelayMs: 10, jitter: 'none', sleep },
      ),
    ).rejects.toThrow('fail 3');
    expect(waits).toEqual([10, 20]);
  });

  it('gives up at once when shouldRetry refuses, and honours a wait asked for, capped', async () => {
    const { waits, sleep } = noSleep();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error(calls === 1 ? 'busy' : 'bad request');
        },
        {
          attempts: 5,
          baseDelayMs: 10,
          maxDelayMs: 1_000,
          sleep,
          shouldRetry: e =>
            (e as Error).message === 'busy' ? { afterMs: 60_000 } : false,
        },
      ),
    ).rejects.toThrow('bad request');
    expect(calls).toBe(2);
    expect(waits).toEqual([1_000]);
  });

  it('keeps jittered waits within [d/2, d] and caps the delay', () => {
    expect(backoffDelayMs(0, { baseDelayMs: 500 })).toBe(500);
    expect(backoffDelayMs(3, { baseDelayMs: 500 })).toBe(4_000);
    expect(backoffDelayMs(10, { baseDelayMs: 500, maxDelayMs: 30_000 })).toBe(
      30_000,
    );
  });
});
