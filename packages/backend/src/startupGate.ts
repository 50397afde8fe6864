/*
 * While the backend starts, the HTTP server already listens, but a plugin's
 * routes exist only once the plugin has been initialised: for about a
 * second after a restart, `POST /api/mttr/events` answered 404 with an
 * empty body. A sender cannot tell that from a wrong URL, and one that
 * retries only on 5xx dropped its batch.
 *
 * The gate holds every `/api/...` request that arrives before the backend
 * has started until it has (then the plugin's route answers it), for at
 * most `waitMs`; after that, and while the backend shuts down, it answers
 * 503 with `Retry-After`. Backstage does the same for the routes of a
 * plugin that is mounted but not started yet (backend.lifecycle
 * .startupRequestPauseTimeout); this covers the routes that do not exist
 * yet. Health checks (/.backstage/health/v1/...) are never held: load
 * balancers should route by `/.backstage/health/v1/readiness`, which
 * answers 503 until the backend has started.
 *
 * Calls between plugins are not held: a plugin that starts may ask another
 * one that has started already (the mttr plugin reads the catalog in its
 * start-up, and the mttr demo reads the mttr plugin's open incidents), and
 * waiting for the whole backend would hold them until the gate gives up.
 * Backstage itself pauses the calls to a plugin that is mounted but not
 * started. Such a call carries a plugin token, which the called plugin
 * checks against the caller's keys at
 * `/api/<caller>/.backstage/auth/v1/jwks.json`, so those framework paths
 * pass too. Only the token's header is read, to tell who calls: what the
 * caller may do is decided by the plugin, as ever.
 */
import { LifecycleService } from '@backstage/backend-plugin-api';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { ServiceUnavailableError } from '@backstage/errors';

/** How long a request that arrives during start-up waits, by default. */
export const STARTUP_WAIT_MS = 10_000;

/** The `Retry-After` of a 503 from the gate, in seconds. */
export const RETRY_AFTER_SECONDS = 1;

/** A plugin's framework endpoints (its public keys for plugin tokens). */
const FRAMEWORK_PATH = /^\/api\/[^/]+\/\.backstage\//;

/**
 * The gate as a middleware, for the root app ahead of the routes.
 */
export function createStartupGate(options: {
  lifecycle: LifecycleService;
  waitMs?: number;
}) {
  const waitMs = options.waitMs ?? STARTUP_WAIT_MS;
  let state: 'starting' | 'up' | 'down' = 'starting';
  const waiting = new Set<() => void>();
  options.lifecycle.addStartupHook(() => {
    state = 'up';
    for (const release of waiting) release();
    waiting.clear();
  });
  options.lifecycle.addShutdownHook(() => {
    state = 'down';
    for (const release of waiting) release();
    waiting.clear();
  });

  return (
    req: { path: string; headers?: { authorization?: string } },
    res: { setHeader(name: string, value: string): unknown },
    next: (error?: Error) => void,
  ) => {
    if (
      state === 'up' ||
      !req.path.startsWith('/api/') ||
      FRAMEWORK_PATH.test(req.path) ||
      isPluginCall(req.headers?.authorization)
    ) {
      next();
      return;
    }
    const unavailable = (message: string) => {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      next(new ServiceUnavailableError(message));
    };
    if (state === 'down') {
      unavailable('The backend is shutting down');
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const release = () => {
      clearTimeout(timer);
      if (state === 'up') {
        next();
      } else {
        unavailable('The backend is shutting down');
      }
    };
    timer = setTimeout(() => {
      waiting.delete(release);
      unavailable('The backend has not started yet');
    }, waitMs);
    waiting.add(release);
  };
}

/** Whether a bearer token is a plugin's token (JWT `typ` of plugin tokens). */
function isPluginCall(authorization: string | undefined): boolean {
  const match = /^Bearer ([A-Za-z0-9_-]+)\./.exec(authorization ?? '');
  if (!match) {
    return false;
  }
  try {
    const header = JSON.parse(Buffer.from(match[1], 'base64url').toString());
    return header?.typ === 'vnd.backstage.plugin';
  } catch {
    return false;
  }
}

/**
 * The root HTTP router with the start-up gate ahead of Backstage's own
 * middleware and routes.
 */
export const rootHttpRouterWithStartupGate = rootHttpRouterServiceFactory({
  configure({ app, lifecycle, applyDefaults }) {
    app.use(createStartupGate({ lifecycle }));
    applyDefaults();
  },
});
