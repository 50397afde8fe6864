import { Entity } from '@backstage/catalog-model';
import {
  DefinitionsResponse,
  Deployment,
  EntityRecoveryMetrics,
  Incident,
  LeversResponse,
  RecoveryLevers,
  RecoveryMetrics,
  emptyDeploymentFigures,
  emptyLevers,
} from '@mttr-backstage/plugin-mttr-common';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** Two definitions, as a typical installation configures them. */
export const definitionsResponse: DefinitionsResponse = {
  defaultDefinition: 'resolved',
  items: [
    {
      id: 'resolved',
      title: 'Time to resolve',
      description: 'From the first trigger to full resolution.',
      start: 'triggered',
      end: 'resolved',
      reopens: 'extend',
      excludeLabels: ['drill'],
      minDurationMs: 2 * MINUTE,
    },
    {
      id: 'mitigated',
      title: 'Time to mitigate',
      description: 'From the first trigger to the first mitigation.',
      start: 'triggered',
      end: 'mitigated',
      reopens: 'extend',
      excludeLabels: ['drill'],
    },
  ],
};

/** Figures of one entity; fields not given are those of a quiet service. */
export function metricsOf(
  overrides: Partial<RecoveryMetrics> = {},
): RecoveryMetrics {
  return {
    entityRef: 'component:default/payments-api',
    definition: 'resolved',
    from: '2026-08-29T00:00:00.000Z',
    to: '2026-11-27T00:00:00.000Z',
    count: 0,
    recovered: 0,
    open: 0,
    excluded: 0,
    meanMs: null,
    medianMs: null,
    p90Ms: null,
    medianCi: null,
    p90Ci: null,
    totalDowntimeMs: 0,
    frequencyPer30d: 0,
    reopenRate: null,
    stages: {
      detectMs: null,
      acknowledgeMs: null,
      mitigateMs: null,
      resolveMs: null,
    },
    severityMix: {},
    deployments: emptyDeploymentFigures(),
    levers: emptyLevers(),
    change: {
      previousFrom: '2026-05-31T00:00:00.000Z',
      previousTo: '2026-08-29T00:00:00.000Z',
      previousRecovered: 0,
      previousMedianMs: null,
      medianRatio: null,
      pValue: null,
      significant: false,
    },
    ...overrides,
  };
}

/** One incident with a plain timeline, counted under `resolved`. */
export function incidentOf(overrides: Partial<Incident> = {}): Incident {
  return {
    source: 'pagerduty',
    incidentId: 'Q1',
    title: 'Card payments failing',
    severity: 'sev2',
    status: 'resolved',
    entityRefs: ['component:default/payments-api'],
    labels: [],
    url: 'https://pagerduty.example.com/incidents/Q1',
    startedAt: '2026-11-20T10:00:00.000Z',
    resolvedAt: '2026-11-20T11:30:00.000Z',
    reopenCount: 0,
    timeline: [
      { eventId: 'e1', type: 'triggered', at: '2026-11-20T10:00:00.000Z' },
      { eventId: 'e2', type: 'acknowledged', at: '2026-11-20T10:05:00.000Z' },
      { eventId: 'e3', type: 'resolved', at: '2026-11-20T11:30:00.000Z' },
    ],
    counts: [
      {
        definition: 'resolved',
        outcome: 'counted',
        units: [
          {
            startAt: '2026-11-20T10:00:00.000Z',
            endAt: '2026-11-20T11:30:00.000Z',
            durationMs: 90 * MINUTE,
            reopened: false,
          },
        ],
        reasons: [],
      },
    ],
    ...overrides,
  };
}

/** A comparison row. */
export function rowOf(
  overrides: Partial<EntityRecoveryMetrics> & { entityRef: string },
): EntityRecoveryMetrics {
  return {
    ...metricsOf(),
    kind: 'Component',
    lifecycle: 'production',
    tags: [],
    ...overrides,
  };
}

/** payments-api as the demo catalog describes it. */
export const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: {
      'pagerduty.com/service-id': 'PPAYAPI',
      'mttr.dev/runbooks':
        'https://runbooks.example.com/payments-api/restart, javascript:alert(1)',
    },
    links: [
      {
        url: 'https://wiki.example.com/payments-api/runbook',
        title: 'Payments API runbook',
        type: 'runbook',
      },
      {
        url: 'ftp://files.example.com/runbook.txt',
        title: 'Old runbook',
        type: 'runbook',
      },
      {
        url: 'https://grafana.example.com/d/payments',
        title: 'Dashboard',
        type: 'dashboard',
      },
    ],
  },
  spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
};

/** A live deployment to production that broke nothing. */
export function deploymentOf(overrides: Partial<Deployment> = {}): Deployment {
  return {
    source: 'github',
    deploymentId: '1234',
    at: '2026-11-20T09:00:00.000Z',
    status: 'succeeded',
    entityRefs: ['component:default/payments-api'],
    environment: 'production',
    startedAt: '2026-11-20T08:50:00.000Z',
    finishedAt: '2026-11-20T09:00:00.000Z',
    version: 'v1.2.3',
    commit: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
    url: 'https://github.example.com/acme/payments-api/deployments/1234',
    live: true,
    changeFailure: false,
    linkedBy: null,
    links: [],
    recoveredAt: null,
    recoveryMs: null,
    ...overrides,
  };
}

/**
 * The levers answer of one entity; `levers` overrides are merged per
 * group (`{ reviews: { due: 5 } }` keeps the other review fields empty).
 */
export function leversOf(
  q?: URLSearchParams,
  overrides: {
    levers?: { [K in keyof RecoveryLevers]?: Partial<RecoveryLevers[K]> };
    unreviewed?: LeversResponse['unreviewed'];
  } = {},
): LeversResponse {
  const empty = emptyLevers();
  const levers = overrides.levers ?? {};
  return {
    entityRef: q?.get('entityRef') ?? 'component:default/payments-api',
    definition: q?.get('definition') ?? 'resolved',
    from: q?.get('from') ?? '2026-08-29T00:00:00.000Z',
    to: q?.get('to') ?? '2026-11-27T00:00:00.000Z',
    levers: {
      reviews: { ...empty.reviews, ...levers.reviews },
      drills: { ...empty.drills, ...levers.drills },
      automation: { ...empty.automation, ...levers.automation },
      access: { ...empty.access, ...levers.access },
    },
    unreviewed: overrides.unreviewed ?? [],
  };
}
