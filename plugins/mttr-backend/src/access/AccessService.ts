import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AccessAuditVerification,
  AccessRequest,
  AccessRequestStatus,
  AccessTarget,
  mttrAccessAuditPermission,
  OnCallEntry,
} from '@mttr-backstage/plugin-mttr-common';
import { AccessProvider, OnCallLookup } from '@mttr-backstage/plugin-mttr-node';
import {
  AccessContext,
  Clock,
  mustGet,
  normalizeRef,
  userOf,
} from './AccessContext';
import { AccessEntities } from './approvers/AccessEntities';
import { Approvers } from './approvers/Approvers';
import { AccessAuditTrail } from './audit/AccessAuditTrail';
import { AccessTargetConfig } from './config';
import { AccessExpiry } from './expiry/AccessExpiry';
import { GrantLeases } from './expiry/GrantLeases';
import { GrantCallLeases } from './grant/GrantCallLeases';
import { GrantCalls } from './grant/GrantCalls';
import { AccessNotices } from './notify/AccessNotices';
import { AccessNotifier } from './notify/AccessNotifier';
import { OpenIncidentLookup } from './OpenIncidentLookup';
import { AccessPolicy, publicTarget } from './policy/AccessPolicy';
import { AccessPresenter } from './presentation/AccessPresenter';
import { ViewerContext } from './presentation/ViewerContext';
import { Decisions } from './requests/Decisions';
import { Extensions } from './requests/Extensions';
import { NewAccessRequest, RequestFiling } from './requests/RequestFiling';
import { Revocations } from './revoke/Revocations';
import { AccessStore } from './store/AccessStore';

export { ACCESS_SYSTEM_ACTOR } from './AccessContext';
export type { Clock } from './AccessContext';
export type { NewAccessRequest } from './requests/RequestFiling';

export interface AccessServiceOptions {
  store: AccessStore;
  targets: Map<string, AccessTargetConfig>;
  catalog: CatalogService;
  auth: AuthService;
  permissions: PermissionsService;
  onCall: OnCallLookup;
  openIncidents: OpenIncidentLookup;
  providers: Map<string, AccessProvider>;
  notifier: AccessNotifier;
  logger: LoggerService;
  clock: Clock;
  /** Revocation leases: one replica at a time calls the provider per grant. */
  leases: GrantLeases;
  /** Grant leases: a revocation waits for the grant call in flight. */
  grantLeases: GrantCallLeases;
  /** This replica's name as a lease holder. */
  replicaId: string;
  /** `mttr.access.revocationLease`: how long a lease lasts unrenewed. */
  revocationLeaseMs: number;
}

/** Access requests per page of the list, at most and by default. */
export const LIST_PAGE = 200;

/**
 * The door of just-in-time access for the router (and the extension point
 * of modules): each call goes to the part that does that one job — filing
 * (requests/), decisions (requests/), granting (grant/), ending (revoke/,
 * expiry/), presentation (presentation/) and the audit trail (audit/).
 */
export class AccessService {
  readonly expiry: AccessExpiry;
  private readonly ctx: AccessContext;
  private readonly entities: AccessEntities;
  private readonly approvers: Approvers;
  private readonly presenter: AccessPresenter;
  private readonly filing: RequestFiling;
  private readonly decisions: Decisions;
  private readonly extensions: Extensions;
  private readonly revocations: Revocations;
  private readonly audit: AccessAuditTrail;

  constructor(private readonly o: AccessServiceOptions) {
    const ctx: AccessContext = {
      store: o.store,
      targets: o.targets,
      providers: o.providers,
      auth: o.auth,
      logger: o.logger,
      clock: o.clock,
      replicaId: o.replicaId,
      leaseMs: o.revocationLeaseMs,
    };
    this.ctx = ctx;
    this.entities = new AccessEntities(o.catalog, o.auth, o.targets);
    this.approvers = new Approvers(this.entities, o.permissions);
    this.presenter = new AccessPresenter(o.store, o.clock);
    this.audit = new AccessAuditTrail(o.store);
    const policy = new AccessPolicy(o.onCall);
    const notices = new AccessNotices(o.notifier, this.approvers);
    this.revocations = new Revocations(ctx, {
      approvers: this.approvers,
      presenter: this.presenter,
      notices,
      leases: o.leases,
    });
    const grants = new GrantCalls(ctx, {
      leases: o.grantLeases,
      presenter: this.presenter,
      notices,
      revoke: id => this.revocations.perform(id),
    });
    this.expiry = new AccessExpiry(ctx, {
      grants,
      revocations: this.revocations,
      notices,
    });
    const parts = {
      entities: this.entities,
      approvers: this.approvers,
      policy,
      openIncidents: o.openIncidents,
      grants,
      notices,
    };
    this.filing = new RequestFiling(ctx, parts);
    this.extensions = new Extensions(ctx, parts);
    this.decisions = new Decisions(ctx, {
      approvers: this.approvers,
      grants,
      expiry: this.expiry,
      notices,
    });
  }

  // --- reading -------------------------------------------------------------

  async listTargets(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<AccessTarget[]> {
    const entity = await this.entities.load(entityRef, credentials);
    return this.entities.targetsOf(entity).map(publicTarget);
  }

  async getOnCall(entityRef: string): Promise<OnCallEntry[]> {
    return this.o.onCall.getOnCall({ entityRef: normalizeRef(entityRef) });
  }

  async getRequest(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const request = await mustGet(this.ctx, id);
    // Seeing a request needs seeing its entity.
    await this.entities.load(request.entityRef, credentials);
    return this.presenter.present(request, this.viewerFor(credentials), true);
  }

  async listRequests(
    query: {
      entityRef?: string;
      status?: AccessRequestStatus[];
      mine?: boolean;
      toApprove?: boolean;
      /** A page of the list (default the first 200). */
      limit?: number;
      offset?: number;
    },
    credentials: BackstageCredentials,
  ): Promise<AccessRequest[]> {
    const user = userOf(this.o.auth, credentials);
    if ((query.mine || query.toApprove) && !user) {
      throw new InputError('mine and toApprove need a signed-in user');
    }
    const limit = query.limit ?? LIST_PAGE;
    const offset = query.offset ?? 0;
    const viewer = this.viewerFor(credentials);
    const items: AccessRequest[] = [];
    // Visibility and "may approve" are decided here, after the store's
    // filters: read the store a page at a time until the page asked for
    // is full or the store has no more.
    for (let from = 0; items.length < offset + limit; from += LIST_PAGE) {
      const stored = await this.o.store.listRequests({
        entityRef: query.entityRef ? normalizeRef(query.entityRef) : undefined,
        status: query.toApprove ? ['pending', 'active'] : query.status,
        requester: query.mine ? user : undefined,
        limit: LIST_PAGE,
        offset: from,
      });
      const visible = await this.entities.visibleRefs(
        stored.map(r => r.entityRef),
        credentials,
      );
      const shown = stored.filter(
        r =>
          visible.has(r.entityRef) &&
          (!query.status || query.status.includes(r.status)),
      );
      for (const presented of await this.presenter.presentPage(shown, viewer)) {
        if (query.toApprove && !presented.viewer?.canApprove) continue;
        items.push(presented);
      }
      if (stored.length < LIST_PAGE) break;
    }
    return items.slice(offset, offset + limit);
  }

  /** Verifies the audit chain; needs `mttr.access.audit`. */
  async verifyAudit(
    credentials: BackstageCredentials,
  ): Promise<AccessAuditVerification> {
    await this.approvers.requirePermission(
      mttrAccessAuditPermission,
      undefined,
      credentials,
    );
    return this.audit.verify();
  }

  // --- changing ------------------------------------------------------------

  async createRequest(
    input: NewAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const id = await this.filing.create(input, credentials);
    return this.answer(id, credentials);
  }

  /** For modules (mttrAccessRequestsExtensionPoint): see {@link RequestFiling.fileFor}. */
  async fileRequestFor(
    input: NewAccessRequest & { requester: string },
    filedBy: string,
    options: { unlessOpen?: boolean } = {},
  ): Promise<{ request: AccessRequest; filed: boolean }> {
    if (options.unlessOpen) {
      const open = await this.filing.findOpen(input);
      if (open) {
        return {
          request: await this.presenter.present(open, undefined, true),
          filed: false,
        };
      }
    }
    const id = await this.filing.fileFor(input, filedBy);
    return {
      request: await this.presenter.present(
        await mustGet(this.ctx, id),
        undefined,
        true,
      ),
      filed: true,
    };
  }

  async approve(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    await this.decisions.approve(id, comment, credentials);
    return this.answer(id, credentials);
  }

  async deny(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    await this.decisions.deny(id, comment, credentials);
    return this.answer(id, credentials);
  }

  async review(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    await this.decisions.review(id, comment, credentials);
    return this.answer(id, credentials);
  }

  async revoke(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    await this.revocations.revoke(id, comment, credentials);
    return this.answer(id, credentials);
  }

  async extend(
    id: string,
    input: { durationMinutes: number; reason: string },
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    await this.extensions.extend(id, input, credentials);
    return this.answer(id, credentials);
  }

  /** One pass of the expiry task over every due request (for tests). */
  runExpiry() {
    return this.expiry.runExpiry();
  }

  /** The request as committed now, with history, as the caller sees it. */
  private async answer(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    return this.presenter.present(
      await mustGet(this.ctx, id),
      this.viewerFor(credentials),
      true,
    );
  }

  private viewerFor(credentials: BackstageCredentials): ViewerContext {
    return new ViewerContext(
      userOf(this.o.auth, credentials),
      (user, entityRef) =>
        this.approvers.isApprover(user, entityRef, credentials),
    );
  }
}
