/*
 * The twelve demo services (examples/components.yaml) and how each fails
 * and recovers, plus the incidents the demo keeps open. The generator in
 * demoHistory.ts turns them into events.
 */
import { Severity } from '@mttr-backstage/plugin-mttr-common';

/**
 * How a demo service fails and recovers: some fail often and recover fast,
 * some rarely and slowly.
 */
export interface ServiceProfile {
  name: string;
  system: 'payments' | 'storefront' | 'platform';
  serviceId: string;
  /** Incidents per 30 days. */
  rate: number;
  /** Median time to resolve, minutes. */
  medianMinutes: number;
  /** Log-normal spread of the time to resolve. */
  spread: number;
  reopenChance: number;
  recurrenceChance: number;
  drillChance: number;
  /** Chance of a flapping alert that clears within two minutes. */
  flapChance: number;
  severities: Array<[Severity, number]>;
  titles: string[];
}

export const SERVICES: ServiceProfile[] = [
  {
    name: 'payments-api',
    system: 'payments',
    serviceId: 'PPAYAPI',
    rate: 9,
    medianMinutes: 28,
    spread: 0.7,
    reopenChance: 0.12,
    recurrenceChance: 0.1,
    drillChance: 0.04,
    flapChance: 0.05,
    severities: [
      ['sev1', 1],
      ['sev2', 3],
      ['sev3', 4],
      ['sev4', 2],
    ],
    titles: [
      'Elevated 5xx on POST /charges',
      'Card authorisation latency above SLO',
      'Connection pool exhausted',
      'Webhook delivery backlog',
    ],
  },
  {
    name: 'billing-worker',
    system: 'payments',
    serviceId: 'PBILLWK',
    rate: 4,
    medianMinutes: 95,
    spread: 0.6,
    reopenChance: 0.1,
    recurrenceChance: 0.05,
    drillChance: 0.03,
    flapChance: 0,
    severities: [
      ['sev2', 1],
      ['sev3', 4],
      ['sev4', 3],
    ],
    titles: [
      'Invoice run stalled',
      'Dead-letter queue growing',
      'Retry storm on ledger writes',
    ],
  },
  {
    name: 'fraud-detector',
    system: 'payments',
    serviceId: 'PFRAUDD',
    rate: 1.5,
    medianMinutes: 360,
    spread: 0.5,
    reopenChance: 0.2,
    recurrenceChance: 0,
    drillChance: 0.1,
    flapChance: 0,
    severities: [
      ['sev2', 2],
      ['sev3', 2],
    ],
    titles: ['Model scoring timeouts', 'Feature store stale'],
  },
  {
    name: 'ledger-db',
    system: 'payments',
    serviceId: 'PLEDGDB',
    rate: 1,
    medianMinutes: 540,
    spread: 0.4,
    reopenChance: 0.15,
    recurrenceChance: 0,
    drillChance: 0.15,
    flapChance: 0,
    severities: [
      ['sev1', 2],
      ['sev2', 2],
    ],
    titles: ['Replica lag above 5 minutes', 'Disk usage above 90%'],
  },
  {
    name: 'checkout-web',
    system: 'storefront',
    serviceId: 'PCHKWEB',
    rate: 11,
    medianMinutes: 16,
    spread: 0.8,
    reopenChance: 0.08,
    recurrenceChance: 0.12,
    drillChance: 0.02,
    flapChance: 0.2,
    severities: [
      ['sev2', 2],
      ['sev3', 5],
      ['sev4', 3],
    ],
    titles: [
      'Checkout error rate above 2%',
      'Core Web Vitals regression',
      'Payment iframe fails to load',
    ],
  },
  {
    name: 'product-catalog',
    system: 'storefront',
    serviceId: 'PPRDCAT',
    rate: 3,
    medianMinutes: 60,
    spread: 0.6,
    reopenChance: 0.05,
    recurrenceChance: 0.05,
    drillChance: 0.05,
    flapChance: 0,
    severities: [
      ['sev3', 3],
      ['sev4', 2],
    ],
    titles: ['Price feed import failed', 'Cache hit ratio collapsed'],
  },
  {
    name: 'search-service',
    system: 'storefront',
    serviceId: 'PSRCHSV',
    rate: 7,
    medianMinutes: 40,
    spread: 0.6,
    reopenChance: 0.05,
    recurrenceChance: 0.35,
    drillChance: 0.03,
    flapChance: 0.1,
    severities: [
      ['sev3', 4],
      ['sev4', 3],
    ],
    titles: ['Index shard unassigned', 'Query latency p99 above 2s'],
  },
  {
    name: 'recommendations',
    system: 'storefront',
    serviceId: 'PRECOMM',
    rate: 5,
    medianMinutes: 240,
    spread: 0.7,
    reopenChance: 0.1,
    recurrenceChance: 0.05,
    drillChance: 0.02,
    flapChance: 0,
    severities: [
      ['sev4', 4],
      ['sev5', 3],
      ['sev3', 1],
    ],
    titles: ['Model refresh job failed', 'Fallback recommendations served'],
  },
  {
    name: 'auth-service',
    system: 'platform',
    serviceId: 'PAUTHSV',
    rate: 1,
    medianMinutes: 45,
    spread: 0.5,
    reopenChance: 0.1,
    recurrenceChance: 0,
    drillChance: 0.2,
    flapChance: 0,
    severities: [
      ['sev1', 3],
      ['sev2', 1],
    ],
    titles: ['Token issuance failing', 'JWKS endpoint unreachable'],
  },
  {
    name: 'api-gateway',
    system: 'platform',
    serviceId: 'PAPIGWY',
    rate: 4,
    medianMinutes: 20,
    spread: 0.6,
    reopenChance: 0.08,
    recurrenceChance: 0.1,
    drillChance: 0.05,
    flapChance: 0.1,
    severities: [
      ['sev1', 1],
      ['sev2', 2],
      ['sev3', 3],
    ],
    titles: ['Upstream timeouts', 'TLS certificate renewal failed'],
  },
  {
    name: 'notifications-service',
    system: 'platform',
    serviceId: 'PNOTIFY',
    rate: 6,
    medianMinutes: 120,
    spread: 0.7,
    reopenChance: 0.1,
    recurrenceChance: 0.1,
    drillChance: 0.03,
    flapChance: 0,
    severities: [
      ['sev3', 3],
      ['sev4', 4],
    ],
    titles: ['Email provider rate limited', 'Push queue backlog'],
  },
  {
    name: 'metrics-pipeline',
    system: 'platform',
    serviceId: 'PMETRIC',
    rate: 8,
    medianMinutes: 180,
    spread: 0.8,
    reopenChance: 0.15,
    recurrenceChance: 0.15,
    drillChance: 0.12,
    flapChance: 0.05,
    severities: [
      ['sev3', 3],
      ['sev4', 4],
      ['sev5', 2],
    ],
    titles: ['Ingest lag above 10 minutes', 'Kafka consumer group rebalancing'],
  },
];

/**
 * Incidents open right now, so that the demo shows some: they belong to a
 * twelve-hour block and are resolved by the first seeding in a later block.
 */
export const ONGOING: Array<{
  service: string;
  key: string;
  ageMinutes: number;
  severity: Severity;
  title: string;
  steps: Array<'acknowledged' | 'mitigated'>;
}> = [
  {
    service: 'payments-api',
    key: 'charges',
    ageMinutes: 42,
    severity: 'sev2',
    title: 'Elevated 5xx on POST /charges',
    steps: ['acknowledged'],
  },
  {
    service: 'payments-api',
    key: 'webhooks',
    ageMinutes: 130,
    severity: 'sev4',
    title: 'Webhook delivery backlog',
    steps: ['acknowledged', 'mitigated'],
  },
  {
    service: 'checkout-web',
    key: 'errors',
    ageMinutes: 18,
    severity: 'sev3',
    title: 'Checkout error rate above 2%',
    steps: [],
  },
  {
    service: 'metrics-pipeline',
    key: 'lag',
    ageMinutes: 300,
    severity: 'sev4',
    title: 'Ingest lag above 10 minutes',
    steps: ['acknowledged'],
  },
];
