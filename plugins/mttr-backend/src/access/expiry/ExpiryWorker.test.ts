import { mockServices } from '@backstage/backend-test-utils';
import { StoredAccessRequest } from '../store/AccessStore';
import { ExpiryOutcome, ExpiryWork, ExpiryWorker } from './ExpiryWorker';

function due(id: string): StoredAccessRequest {
  return {
    id,
    entityRef: 'component:default/checkout-web',
    targetId: 'db-ro',
    requester: 'user:default/guest',
    reason: 'checkout errors',
    durationMinutes: 1,
    status: 'active',
    approval: 'auto',
    breakGlass: false,
    approvalsRequired: 1,
    round: 0,
    approvalsCount: 0,
    createdAt: 0,
    expiresAt: 60_000,
  };
}

/** Due requests as a list the test changes; each expiry settles when told. */
class ControlledWork implements ExpiryWork {
  due: StoredAccessRequest[] = [];
  readonly started: string[] = [];
  private readonly settle = new Map<string, (o: ExpiryOutcome) => void>();
  async listDueForExpiry() {
    return this.due;
  }
  expireOne(request: StoredAccessRequest) {
    this.started.push(request.id);
    return new Promise<ExpiryOutcome>(resolve =>
      this.settle.set(request.id, resolve),
    );
  }
  finish(id: string) {
    this.settle.get(id)!('ended');
  }
}

describe('the expiry worker', () => {
  it('returns after one period while a slow revocation is in flight, and the next tick starts what came due meanwhile without starting the slow one again', async () => {
    const work = new ControlledWork();
    const worker = new ExpiryWorker({
      work,
      logger: mockServices.logger.mock(),
      tickMs: 100,
    });
    work.due = [due('slow')];
    const started = performance.now();
    await worker.tick();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(work.started).toEqual(['slow']);

    work.due = [due('slow'), due('next')];
    await worker.tick();
    expect(work.started).toEqual(['slow', 'next']);

    work.finish('slow');
    work.finish('next');
    await worker.drain();
    // Once settled, a request still listed as due is tried again.
    work.due = [due('slow')];
    const again = worker.tick();
    expect(work.started).toEqual(['slow', 'next']);
    await new Promise(r => setTimeout(r, 0));
    expect(work.started).toEqual(['slow', 'next', 'slow']);
    work.finish('slow');
    await again;
  });

  it('waits for what it started when that settles within the period', async () => {
    const work = new ControlledWork();
    const worker = new ExpiryWorker({
      work,
      logger: mockServices.logger.mock(),
      tickMs: 60_000,
    });
    work.due = [due('a'), due('b')];
    let returned = false;
    const tick = worker.tick().then(() => {
      returned = true;
    });
    await new Promise(r => setTimeout(r, 20));
    work.finish('a');
    await new Promise(r => setTimeout(r, 20));
    expect(returned).toBe(false);
    work.finish('b');
    await tick;
    expect(returned).toBe(true);
  });

  it('keeps at most the given number of expiries in flight', async () => {
    const work = new ControlledWork();
    const worker = new ExpiryWorker({
      work,
      logger: mockServices.logger.mock(),
      tickMs: 10,
      concurrency: 2,
    });
    work.due = ['a', 'b', 'c', 'd'].map(due);
    await worker.tick();
    expect(work.started).toEqual(['a', 'b']);
    await worker.tick();
    expect(work.started).toEqual(['a', 'b']);
    work.finish('a'); // ended: no longer due
    work.due = ['b', 'c', 'd'].map(due);
    await new Promise(r => setTimeout(r, 0));
    await worker.tick();
    expect(work.started).toEqual(['a', 'b', 'c']);
    work.finish('b');
    work.finish('c');
    await worker.drain();
  });
});
