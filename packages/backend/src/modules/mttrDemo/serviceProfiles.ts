/*
 * The twelve demo services (examples/components.yaml) and how each fails,
 * deploys and recovers, plus the incidents the demo keeps open. The
 * generators in demoHistory.ts, demoDeployments.ts and demoLevers.ts turn
 * them into events and deployment records.
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
  deploys: DeployProfile;
  levers: LeverProfile;
}

/**
 * How a demo service ships: how often, and how often a change goes wrong.
 * Its change failure rate follows from these and from its incidents (an
 * incident within a day of a deployment is linked to it by the window).
 */
export interface DeployProfile {
  /** Production deployments per 30 days, on weekdays in working hours. */
  perMonth: number;
  /** Chance a production deployment goes to staging first. */
  stagingChance: number;
  /** Chance a deployment fails and never goes live. */
  failedChance: number;
  /** Chance a failed deployment is re-run and then succeeds (same deployment). */
  retriedChance: number;
  /**
   * Chance a live deployment is rolled back by its own pipeline (status
   * rolled_back): canary checks failed before anyone was paged.
   */
  rolledBackChance: number;
  /**
   * Chance an incident within eight hours of a deployment has it reverted (a
   * new deployment naming it in rollbackOf).
   */
  revertChance: number;
  /**
   * Chance the responders name the deployment that caused an incident
   * (causedBy), when one finished in the three days before.
   */
  causedByChance: number;
}

/**
 * How a demo service pulls the levers of recovery: how its post-incident
 * reviews go, and how much of its recovery is automated.
 */
export interface LeverProfile {
  /**
   * What becomes of the review of a sev1 or sev2 incident: published within
   * the week, published late, left as a draft, scheduled only, or none.
   */
  reviews: Array<[ReviewOutcome, number]>;
  /** Mean number of action items a published review records. */
  actionItems: number;
  /** Chance a shorter-than-usual incident was closed by automation. */
  automationChance: number;
  /** Chance a drill is a game day (labelled `game-day`, not `drill`). */
  gameDayChance: number;
}

/** What becomes of a post-incident review. */
export type ReviewOutcome =
  'published' | 'late' | 'draft' | 'scheduled' | 'none';

/** A team that reviews its sev1/sev2 incidents within the week, nearly always. */
const DILIGENT: LeverProfile['reviews'] = [
  ['published', 8],
  ['late', 1],
  ['draft', 0.5],
  ['none', 0.5],
];
/** A team that reviews most incidents, often late. */
const BUSY: LeverProfile['reviews'] = [
  ['published', 5],
  ['late', 3],
  ['draft', 1],
  ['scheduled', 1],
  ['none', 1],
];
/** A team whose reviews mostly stall. */
const STALLED: LeverProfile['reviews'] = [
  ['published', 2],
  ['late', 2],
  ['draft', 2],
  ['scheduled', 2],
  ['none', 3],
];

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
    deploys: {
      perMonth: 40,
      stagingChance: 0.7,
      failedChance: 0.06,
      retriedChance: 0.5,
      rolledBackChance: 0.03,
      revertChance: 0.5,
      causedByChance: 0.4,
    },
    levers: {
      reviews: DILIGENT,
      actionItems: 3,
      automationChance: 0.3,
      gameDayChance: 0.5,
    },
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
    deploys: {
      perMonth: 14,
      stagingChance: 0.8,
      failedChance: 0.04,
      retriedChance: 0.5,
      rolledBackChance: 0.02,
      revertChance: 0.3,
      causedByChance: 0.3,
    },
    levers: {
      reviews: BUSY,
      actionItems: 2,
      automationChance: 0.1,
      gameDayChance: 0,
    },
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
    deploys: {
      perMonth: 8,
      stagingChance: 0.9,
      failedChance: 0.08,
      retriedChance: 0.3,
      rolledBackChance: 0.02,
      revertChance: 0.2,
      causedByChance: 0.2,
    },
    levers: {
      reviews: STALLED,
      actionItems: 4,
      automationChance: 0,
      gameDayChance: 0.5,
    },
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
    deploys: {
      perMonth: 4,
      stagingChance: 1,
      failedChance: 0.05,
      retriedChance: 0.5,
      rolledBackChance: 0,
      revertChance: 0.3,
      causedByChance: 0.3,
    },
    levers: {
      reviews: DILIGENT,
      actionItems: 3,
      automationChance: 0,
      gameDayChance: 1,
    },
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
    deploys: {
      perMonth: 90,
      stagingChance: 0.3,
      failedChance: 0.05,
      retriedChance: 0.6,
      rolledBackChance: 0.02,
      revertChance: 0.3,
      causedByChance: 0.2,
    },
    levers: {
      reviews: BUSY,
      actionItems: 2,
      automationChance: 0.2,
      gameDayChance: 0,
    },
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
    deploys: {
      perMonth: 20,
      stagingChance: 0.5,
      failedChance: 0.03,
      retriedChance: 0.5,
      rolledBackChance: 0.01,
      revertChance: 0.2,
      causedByChance: 0.2,
    },
    levers: {
      reviews: BUSY,
      actionItems: 1,
      automationChance: 0.1,
      gameDayChance: 0,
    },
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
    deploys: {
      perMonth: 30,
      stagingChance: 0.5,
      failedChance: 0.05,
      retriedChance: 0.4,
      rolledBackChance: 0.04,
      revertChance: 0.4,
      causedByChance: 0.3,
    },
    levers: {
      reviews: STALLED,
      actionItems: 2,
      automationChance: 0.5,
      gameDayChance: 0,
    },
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
    deploys: {
      perMonth: 10,
      stagingChance: 0.5,
      failedChance: 0.1,
      retriedChance: 0.3,
      rolledBackChance: 0.03,
      revertChance: 0.2,
      causedByChance: 0.2,
    },
    levers: {
      reviews: STALLED,
      actionItems: 1,
      automationChance: 0.2,
      gameDayChance: 0,
    },
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
    deploys: {
      perMonth: 25,
      stagingChance: 1,
      failedChance: 0.04,
      retriedChance: 0.5,
      rolledBackChance: 0,
      revertChance: 0.3,
      causedByChance: 0.2,
    },
    levers: {
      reviews: DILIGENT,
      actionItems: 2,
      automationChance: 0,
      gameDayChance: 0.5,
    },
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
    deploys: {
      perMonth: 60,
      stagingChance: 0.8,
      failedChance: 0.03,
      retriedChance: 0.5,
      rolledBackChance: 0.005,
      revertChance: 0.3,
      causedByChance: 0.2,
    },
    levers: {
      reviews: BUSY,
      actionItems: 2,
      automationChance: 0.15,
      gameDayChance: 0.5,
    },
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
    deploys: {
      perMonth: 15,
      stagingChance: 0.5,
      failedChance: 0.05,
      retriedChance: 0.4,
      rolledBackChance: 0.03,
      revertChance: 0.3,
      causedByChance: 0.3,
    },
    levers: {
      reviews: BUSY,
      actionItems: 2,
      automationChance: 0.3,
      gameDayChance: 0,
    },
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
    deploys: {
      perMonth: 20,
      stagingChance: 0.4,
      failedChance: 0.08,
      retriedChance: 0.3,
      rolledBackChance: 0.04,
      revertChance: 0.3,
      causedByChance: 0.3,
    },
    levers: {
      reviews: STALLED,
      actionItems: 3,
      automationChance: 0.6,
      gameDayChance: 0.5,
    },
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
