import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createSpecializedBackend } from '@backstage/backend-app-api';
import { lifecycleServiceFactory } from '@backstage/backend-defaults/lifecycle';
import { loggerServiceFactory } from '@backstage/backend-defaults/logger';
import { rootHealthServiceFactory } from '@backstage/backend-defaults/rootHealth';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { rootLifecycleServiceFactory } from '@backstage/backend-defaults/rootLifecycle';
import { mockServices } from '@backstage/backend-test-utils';
import type { AddressInfo } from 'node:net';
import { createStartupGate, RETRY_AFTER_SECONDS } from './startupGate';

/*
 * A backend whose plugin `late` mounts its routes only when the test says
 * so, as a plugin that is still initialising: before the gate, requests to
 * its routes answered 404 with an empty body during that time.
 */
function startBackend(options: { waitMs: number }) {
  let release!: () => void;
  const released = new Promise<void>(resolve => {
    release = resolve;
  });
  let address: (() => AddressInfo | string | null) | undefined;
  const latePlugin = createBackendPlugin({
    pluginId: 'late',
    register(env) {
      env.registerInit({
        deps: { rootHttpRouter: coreServices.rootHttpRouter },
        async init({ rootHttpRouter }) {
          await released;
          rootHttpRouter.use('/api/source', (req, res, next) => {
            if (req.method === 'POST' && req.path === '/events') {
              res.json({ accepted: 1 });
            } else {
              next();
            }
          });
        },
      });
    },
  });
  // A plugin that has its routes at once, as the catalog while the late
  // one is still initialising.
  const earlyPlugin = createBackendPlugin({
    pluginId: 'early',
    register(env) {
      env.registerInit({
        deps: { rootHttpRouter: coreServices.rootHttpRouter },
        async init({ rootHttpRouter }) {
          rootHttpRouter.use('/api/early', (_req, res) => {
            res.json({ ok: true });
          });
        },
      });
    },
  });
  // The real root HTTP router and lifecycle, with the gate configured as in
  // rootHttpRouterWithStartupGate (startTestBackend brings its own router).
  const backend = createSpecializedBackend({
    defaultServiceFactories: [
      mockServices.rootConfig.factory({
        data: { backend: { listen: { host: '127.0.0.1', port: 0 } } },
      }),
      mockServices.rootLogger.factory(),
      rootLifecycleServiceFactory,
      lifecycleServiceFactory,
      loggerServiceFactory,
      rootHealthServiceFactory,
      rootHttpRouterServiceFactory({
        configure({ app, server, lifecycle, applyDefaults }) {
          address = () => server.address();
          app.use(createStartupGate({ lifecycle, waitMs: options.waitMs }));
          applyDefaults();
        },
      }),
    ],
  });
  backend.add(latePlugin);
  backend.add(earlyPlugin);
  const starting = backend.start().then(() => backend);
  const url = async (path: string) => {
    for (;;) {
      const a = address?.();
      if (a && typeof a === 'object') {
        return `http://127.0.0.1:${a.port}${path}`;
      }
      await new Promise(r => setTimeout(r, 10));
    }
  };
  return { starting, release, url };
}

const post = async (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{"events":[]}',
  });

/** A token with the JWT header of a Backstage token of type `typ`. */
const tokenOfType = (typ: string) =>
  `Bearer ${Buffer.from(JSON.stringify({ typ, alg: 'ES256' })).toString('base64url')}.e30.c2ln`;

describe('the start-up gate', () => {
  it('holds a request that arrives during start-up until the route exists, instead of 404', async () => {
    const { starting, release, url } = startBackend({ waitMs: 10_000 });
    const events = await url('/api/source/events');
    const readiness = await fetch(await url('/.backstage/health/v1/readiness'));
    // Load balancers see the backend as not ready yet.
    expect(readiness.status).toBe(503);

    const answer = post(events);
    let answered = false;
    void answer.then(() => {
      answered = true;
    });
    await new Promise(r => setTimeout(r, 300));
    expect(answered).toBe(false);

    release();
    const backend = await starting;
    try {
      const res = await answer;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accepted: 1 });
      expect(
        (await fetch(await url('/.backstage/health/v1/readiness'))).status,
      ).toBe(200);
      // Once started, an unknown path is a 404 as before.
      expect((await post(await url('/api/source/nowhere'))).status).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('answers 503 with Retry-After when start-up takes longer than the wait', async () => {
    const { starting, release, url } = startBackend({ waitMs: 200 });
    const res = await post(await url('/api/source/events'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
    const body = await res.json();
    expect(body.error).toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'The backend has not started yet',
    });
    // Health checks are never held.
    const liveness = await fetch(await url('/.backstage/health/v1/liveness'));
    expect(liveness.status).toBe(200);
    release();
    const backend = await starting;
    await backend.stop();
  });

  it('lets calls between plugins through during start-up, and holds the others', async () => {
    const { starting, release, url } = startBackend({ waitMs: 10_000 });
    const early = await url('/api/early/ping');
    const plugin = await fetch(early, {
      headers: { Authorization: tokenOfType('vnd.backstage.plugin') },
    });
    expect(plugin.status).toBe(200);
    expect(await plugin.json()).toEqual({ ok: true });
    // The keys a called plugin checks such a token against.
    const keys = await fetch(
      await url('/api/early/.backstage/auth/v1/jwks.json'),
    );
    expect(keys.status).toBe(200);

    let answered = false;
    const user = fetch(early, {
      headers: { Authorization: tokenOfType('vnd.backstage.user') },
    }).then(res => {
      answered = true;
      return res;
    });
    await new Promise(r => setTimeout(r, 300));
    expect(answered).toBe(false);

    release();
    const backend = await starting;
    try {
      expect((await user).status).toBe(200);
    } finally {
      await backend.stop();
    }
  });
});
