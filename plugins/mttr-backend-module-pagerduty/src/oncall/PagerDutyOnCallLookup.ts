import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  OnCallEntry,
  PAGERDUTY_SERVICE_ID_ANNOTATION,
} from '@mttr-backstage/plugin-mttr-common';
import { OnCallLookup } from '@mttr-backstage/plugin-mttr-node';
import { PagerDutyClient } from '../api/PagerDutyClient';

export interface PagerDutyOnCallLookupOptions {
  client: PagerDutyClient;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  cacheTtlMs: number;
  now?: () => number;
}

/**
 * Who is on call for an entity, from PagerDuty: the entity's
 * `pagerduty.com/service-id` gives the service, the service its escalation
 * policy, and `GET /oncalls` the people on it now. Answers are kept for a
 * short while, since the card asks on every page view and PagerDuty
 * rate-limits. People are matched to catalog users by email, so that the
 * access approval policy can recognise the requester.
 */
export class PagerDutyOnCallLookup implements OnCallLookup {
  private readonly cache = new Map<
    string,
    { expiresAtMs: number; entries: OnCallEntry[] }
  >();
  private readonly now: () => number;

  constructor(private readonly options: PagerDutyOnCallLookupOptions) {
    this.now = options.now ?? Date.now;
  }

  async getOnCall({
    entityRef,
  }: {
    entityRef: string;
  }): Promise<OnCallEntry[]> {
    const cached = this.cache.get(entityRef);
    if (cached && cached.expiresAtMs > this.now()) {
      return cached.entries;
    }
    const entries = await this.lookUp(entityRef);
    this.cache.set(entityRef, {
      expiresAtMs: this.now() + this.options.cacheTtlMs,
      entries,
    });
    return entries;
  }

  private async lookUp(entityRef: string): Promise<OnCallEntry[]> {
    const { client, catalog, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    const serviceId =
      entity?.metadata.annotations?.[PAGERDUTY_SERVICE_ID_ANNOTATION]?.trim();
    if (!serviceId) {
      return [];
    }
    const service = await client.getService(serviceId);
    const policyId = service.escalation_policy?.id;
    if (!policyId) {
      return [];
    }
    const oncalls = await client.listOnCalls(policyId);

    // A person on several schedules of the policy appears once, at their
    // most immediate level.
    const byUser = new Map<string, OnCallEntry>();
    for (const oncall of oncalls) {
      if (!oncall.user) {
        continue;
      }
      const previous = byUser.get(oncall.user.id);
      if (previous && previous.escalationLevel <= oncall.escalation_level) {
        continue;
      }
      byUser.set(oncall.user.id, {
        name: oncall.user.name ?? oncall.user.summary ?? oncall.user.id,
        email: oncall.user.email,
        escalationLevel: oncall.escalation_level,
        until: oncall.end ?? undefined,
      });
    }
    const entries = [...byUser.values()].sort(
      (a, b) =>
        a.escalationLevel - b.escalationLevel || a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      if (entry.email) {
        entry.userRef = await this.userRefByEmail(entry.email, credentials);
      }
    }
    return entries;
  }

  private async userRefByEmail(
    email: string,
    credentials: Awaited<ReturnType<AuthService['getOwnServiceCredentials']>>,
  ): Promise<string | undefined> {
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'User', 'spec.profile.email': email },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    return items.length === 1 ? stringifyEntityRef(items[0]) : undefined;
  }
}
