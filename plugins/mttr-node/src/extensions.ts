import { createExtensionPoint } from '@backstage/backend-plugin-api';
import {
  AccessRequest,
  IncidentEvent,
  IngestResult,
  OnCallEntry,
} from '@mttr-backstage/plugin-mttr-common';

/**
 * Where an incident source delivers its events: the same path as
 * `POST /api/mttr/events`, so duplicates, ordering and "never lost" hold.
 *
 * @public
 */
export interface IncidentEventSink {
  /** Validates and stores a batch, all or nothing. Throws InputError on bad events. */
  ingest(events: IncidentEvent[]): Promise<IngestResult>;
}

/**
 * A system that incidents come from (PagerDuty, Alertmanager, ...). The
 * plugin hands it a sink once the store is ready.
 *
 * @public
 */
export interface IncidentSource {
  /** A stable id, e.g. `pagerduty`; also the `source` of its events. */
  readonly id: string;
  connect(sink: IncidentEventSink): Promise<void>;
}

/** @public */
export interface MttrIncidentSourceExtensionPoint {
  addIncidentSource(source: IncidentSource): void;
}

/**
 * Lets modules add incident sources.
 *
 * @public
 */
export const mttrIncidentSourceExtensionPoint =
  createExtensionPoint<MttrIncidentSourceExtensionPoint>({
    id: 'mttr.incident-source',
  });

/**
 * Answers who is on call for an entity now.
 *
 * @public
 */
export interface OnCallLookup {
  /** Empty when nobody is known to be on call. */
  getOnCall(options: { entityRef: string }): Promise<OnCallEntry[]>;
}

/** @public */
export interface MttrOnCallExtensionPoint {
  /** Replaces the built-in, config-driven lookup. Set once. */
  setOnCallLookup(lookup: OnCallLookup): void;
}

/**
 * Lets a module provide the on-call lookup (e.g. from PagerDuty).
 *
 * @public
 */
export const mttrOnCallExtensionPoint =
  createExtensionPoint<MttrOnCallExtensionPoint>({
    id: 'mttr.on-call',
  });

/**
 * What a provider gets to grant: the request and the target's settings.
 *
 * @public
 */
export interface AccessGrantRequest {
  request: AccessRequest;
  /** The target's provider settings from config (`mttr.access.targets[].settings`). */
  settings: Record<string, unknown>;
  /** ISO 8601: when the grant must end. */
  expiresAt: string;
}

/**
 * A grant made by a provider, kept so that it can be revoked.
 *
 * @public
 */
export interface AccessGrant {
  grantId: string;
  details?: Record<string, unknown>;
}

/**
 * Grants and revokes access on a target system. Both calls must be
 * idempotent: they may be retried after a failure or a restart.
 *
 * @public
 */
export interface AccessProvider {
  readonly id: string;
  grant(request: AccessGrantRequest): Promise<AccessGrant>;
  revoke(options: {
    request: AccessRequest;
    grant: AccessGrant;
    settings: Record<string, unknown>;
  }): Promise<void>;
}

/** @public */
export interface MttrAccessProviderExtensionPoint {
  addAccessProvider(provider: AccessProvider): void;
}

/**
 * Lets modules add access providers.
 *
 * @public
 */
export const mttrAccessProviderExtensionPoint =
  createExtensionPoint<MttrAccessProviderExtensionPoint>({
    id: 'mttr.access-provider',
  });

/**
 * An incident source for modules whose deliveries (webhooks, scheduled
 * syncs) may arrive before the mttr plugin has connected its sink: they
 * wait for the connection instead of losing events.
 *
 * @public
 */
export class DeferredIncidentSource implements IncidentSource {
  readonly id: string;
  private readonly connected: Promise<IncidentEventSink>;
  private resolveConnected!: (sink: IncidentEventSink) => void;

  /**
   * `options.id` is the source id, also the `source` of its events;
   * `options.notConnectedError` makes the error a delivery gets when the sink
   * is not there within its timeout (a ServiceUnavailableError makes the
   * caller's HTTP answer a 503, which webhook senders retry).
   */
  constructor(
    private readonly options: { id: string; notConnectedError: () => Error },
  ) {
    this.id = options.id;
    this.connected = new Promise(resolve => {
      this.resolveConnected = resolve;
    });
  }

  async connect(sink: IncidentEventSink): Promise<void> {
    this.resolveConnected(sink);
  }

  /** The sink once connected; without a timeout, waits as long as it takes. */
  async sink(timeoutMs?: number): Promise<IncidentEventSink> {
    if (timeoutMs === undefined) {
      return this.connected;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(this.options.notConnectedError()),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.connected, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
