import {
  AuthService,
  coreServices,
  createBackendModule,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AccessRequest,
  IncidentsResponse,
} from '@mttr-backstage/plugin-mttr-common';
import {
  AccessRequestFiling,
  AccessRequestOnBehalf,
  mttrAccessRequestsExtensionPoint,
} from '@mttr-backstage/plugin-mttr-node';
import { DEMO_SOURCE, ongoingIncidentId } from './mttrDemo/demoHistory';

const PAYMENTS_API = 'component:default/payments-api';

/**
 * The grants the on-call engineers of payments-api got on its open demo
 * incidents (the demo's `charges` and `webhooks` incidents, see ONGOING in
 * mttrDemo/serviceProfiles.ts): alice, on call, read-only database access
 * granted at once by the `auto-on-call` policy; bob a break-glass grant.
 * Their time to access is the incident's age when the portal starts.
 */
const DEMO_GRANTS: Array<
  Omit<AccessRequestOnBehalf, 'incident'> & { incidentKey: string }
> = [
  {
    requester: 'user:default/alice',
    entityRef: PAYMENTS_API,
    targetId: 'prod-db-readonly',
    durationMinutes: 45,
    reason:
      'Elevated 5xx on POST /charges: read the failed charge attempts in the payments database',
    incidentKey: 'charges',
  },
  {
    requester: 'user:default/bob',
    entityRef: PAYMENTS_API,
    targetId: 'cloud-break-glass',
    durationMinutes: 30,
    reason:
      'Webhook delivery backlog: scale the webhook queue consumers, the console is the only way in tonight',
    incidentKey: 'webhooks',
  },
];

/** How long the grants wait for the plugin to map the demo incidents. */
const MAPPED_WAIT_MS = 10 * 60_000;

/**
 * Files the demo's grants for the open demo incidents of payments-api, once
 * the plugin lists them as open incidents of payments-api (it maps them
 * when the catalog has the entity). An incident that has a request linked
 * already gets none again, so a restart adds nothing; the demo incidents of
 * a later twelve-hour block get theirs, and those of earlier blocks, closed
 * by the demo incidents module, keep theirs as past incidents with access.
 *
 * Only open incidents can have requests linked: every demo target requires
 * one (`requireOpenIncident`), and a request is granted when it is filed,
 * so the months of past incidents have none.
 */
export async function fileDemoGrants(options: {
  requests: AccessRequestFiling;
  auth: AuthService;
  discovery: DiscoveryService;
  nowMs: number;
  waitMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}): Promise<AccessRequest[]> {
  const { requests } = options;
  const wanted = DEMO_GRANTS.map(grant => ({
    grant,
    incidentId: ongoingIncidentId(grant.incidentKey, options.nowMs),
  }));
  const deadline = Date.now() + (options.waitMs ?? MAPPED_WAIT_MS);
  for (;;) {
    const open = await call<IncidentsResponse>(
      options,
      `/incidents?entityRef=${encodeURIComponent(PAYMENTS_API)}&status=open&status=mitigated&limit=1000`,
    ).catch(() => ({ items: [] }) as Pick<IncidentsResponse, 'items'>);
    const listed = new Set(open.items.map(i => i.incidentId));
    if (wanted.every(w => listed.has(w.incidentId))) {
      break;
    }
    if (Date.now() >= deadline || options.signal?.aborted) {
      // Thrown, the access feature calls again with backoff, then logs it.
      throw new Error(
        'the open demo incidents of payments-api are not mapped yet',
      );
    }
    await new Promise(resolve => setTimeout(resolve, options.pollMs ?? 2000));
  }
  const existing = await call<{ items: AccessRequest[] }>(
    options,
    `/access-requests?entityRef=${encodeURIComponent(PAYMENTS_API)}`,
  );
  const linked = new Set(
    existing.items.flatMap(r =>
      r.incident ? [`${r.incident.source}/${r.incident.incidentId}`] : [],
    ),
  );
  const filed: AccessRequest[] = [];
  for (const { grant, incidentId } of wanted) {
    if (linked.has(`${DEMO_SOURCE}/${incidentId}`)) {
      continue;
    }
    const { incidentKey, ...request } = grant;
    const result = await requests.fileRequest(
      { ...request, incident: { source: DEMO_SOURCE, incidentId } },
      { unlessOpen: true },
    );
    if (result.filed) {
      filed.push(result.request);
    }
  }
  return filed;
}

/** A GET on the mttr plugin with the demo's own service credentials. */
async function call<T>(
  options: { auth: AuthService; discovery: DiscoveryService },
  path: string,
): Promise<T> {
  const { auth, discovery } = options;
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf: await auth.getOwnServiceCredentials(),
    targetPluginId: 'mttr',
  });
  const response = await fetch(`${await discovery.getBaseUrl('mttr')}${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return (await response.json()) as T;
}

/**
 * The demo portal's access requests, filed through the access feature's
 * public door for modules, with the checks a user's request gets:
 *
 * - something for the guest (a member of team-payments, which owns
 *   payments-api) to approve: alice of team-payments waiting for namespace
 *   admin on payments-api, filed only when alice has no open request for
 *   it already (a restart does not add another);
 * - with the demo incidents (`mttr.demo.enabled`), the grants the on-call
 *   engineers of payments-api got on its open incidents, for the time to
 *   access among the levers of recovery (see {@link fileDemoGrants}).
 */
export function createMttrDemoAccessModule(
  options: { now?: () => number; pollMs?: number } = {},
) {
  return createBackendModule({
    pluginId: 'mttr',
    moduleId: 'demo-access',
    register(reg) {
      reg.registerInit({
        deps: {
          access: mttrAccessRequestsExtensionPoint,
          config: coreServices.rootConfig,
          auth: coreServices.auth,
          discovery: coreServices.discovery,
          lifecycle: coreServices.lifecycle,
        },
        async init({ access, config, auth, discovery, lifecycle }) {
          access.whenStarted('mttr.demo-access', async requests => {
            await requests.fileRequest(
              {
                requester: 'user:default/alice',
                entityRef: PAYMENTS_API,
                targetId: 'k8s-namespace-admin',
                durationMinutes: 30,
                reason:
                  'Elevated 5xx on POST /charges: restart the stuck charge workers',
              },
              { unlessOpen: true },
            );
          });
          if (!config.getOptionalBoolean('mttr.demo.enabled')) {
            return;
          }
          const stopping = new AbortController();
          lifecycle.addShutdownHook(() => stopping.abort());
          access.whenStarted('mttr.demo-access', async requests => {
            await fileDemoGrants({
              requests,
              auth,
              discovery,
              nowMs: options.now?.() ?? Date.now(),
              pollMs: options.pollMs,
              signal: stopping.signal,
            });
          });
        },
      });
    },
  });
}

/** The demo access module as the portal adds it. */
export const mttrDemoAccessModule = createMttrDemoAccessModule();
