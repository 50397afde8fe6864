import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_HAS_MEMBER,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  AccessAuditVerification,
  AccessRequest,
  AccessRequestStatus,
  AccessTarget,
  formatDuration,
  MTTR_ACCESS_TARGETS_ANNOTATION,
  mttrAccessApprovePermission,
  mttrAccessRequestPermission,
  OnCallEntry,
  splitList,
} from '@mttr-backstage/plugin-mttr-common';
import { AccessProvider, OnCallLookup } from '@mttr-backstage/plugin-mttr-node';
import { randomUUID } from 'node:crypto';
import { AccessAuditTrail } from './AccessAuditTrail';
import { AccessNotifier } from './AccessNotifier';
import {
  AccessStore,
  NewAccessEvent,
  StoredAccessRequest,
  StoredApproval,
} from './AccessStore';
import { AccessTargetConfig } from './config';
import { awaitCommittedRevocation } from './expiry/committedRevocation';
import { ExpiryOutcome } from './expiry/ExpiryWorker';
import { GrantLeases, withGrantLease } from './expiry/GrantLeases';
import { OpenIncident, OpenIncidentLookup } from './OpenIncidentLookup';
import { ViewerContext } from './ViewerContext';

const MINUTE = 60_000;
/** The actor of changes made by the expiry task. */
export const ACCESS_SYSTEM_ACTOR = 'system:mttr-access';

/** Milliseconds since the epoch; injected so that tests can move time. */
export type Clock = () => number;

export interface AccessServiceOptions {
  store: AccessStore;
  targets: Map<string, AccessTargetConfig>;
  catalog: CatalogService;
  auth: AuthService;
  permissions: PermissionsService;
  onCall: OnCallLookup;
  openIncidents: OpenIncidentLookup;
  providers: Map<string, AccessProvider>;
  audit: AccessAuditTrail;
  notifier: AccessNotifier;
  logger: LoggerService;
  clock: Clock;
  /** Revocation leases: one replica at a time calls the provider per grant. */
  leases: GrantLeases;
  /** This replica's name as a lease holder. */
  replicaId: string;
  /** How long a revocation lease lasts without renewal (`mttr.access.revocationLease`). */
  revocationLeaseMs: number;
}

export interface NewAccessRequest {
  entityRef: string;
  targetId: string;
  incident?: { source: string; incidentId: string };
  durationMinutes: number;
  reason: string;
}

/** Why a request or extension was granted without an approver. */
type AtOnce = {
  action: 'auto-approved' | 'on-call-approved' | 'break-glass';
  comment: string;
};

const iso = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/**
 * The rules of just-in-time access: who may request what for how long,
 * which policy decides, who approves, and how grants end. Every state
 * change is a conditional update in the store, so that racing deciders get
 * exactly one decision and a terminal state never becomes active again.
 */
/** Access requests per page of the list, at most and by default. */
export const LIST_PAGE = 200;

export class AccessService {
  constructor(private readonly o: AccessServiceOptions) {}

  // --- reading -------------------------------------------------------------

  async listTargets(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<AccessTarget[]> {
    const entity = await this.loadEntity(entityRef, credentials);
    return this.targetsOf(entity).map(publicTarget);
  }

  async getOnCall(entityRef: string): Promise<OnCallEntry[]> {
    return this.o.onCall.getOnCall({ entityRef: normalizeRef(entityRef) });
  }

  async getRequest(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const request = await this.mustGet(id);
    // Seeing a request needs seeing its entity.
    await this.loadEntity(request.entityRef, credentials);
    const viewer = this.viewerFor(credentials);
    return this.present(request, viewer, true);
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
    const user = userOf(credentials);
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
      const visible = await this.visibleEntityRefs(
        stored.map(r => r.entityRef),
        credentials,
      );
      for (const request of stored) {
        if (!visible.has(request.entityRef)) continue;
        if (query.status && !query.status.includes(request.status)) continue;
        const presented = await this.present(request, viewer, false);
        if (query.toApprove && !presented.viewer?.canApprove) continue;
        items.push(presented);
      }
      if (stored.length < LIST_PAGE) break;
    }
    return items.slice(offset, offset + limit);
  }

  async verifyAudit(): Promise<AccessAuditVerification> {
    return this.o.audit.verify();
  }

  // --- requesting ----------------------------------------------------------

  async createRequest(
    input: NewAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const user = requireUser(credentials);
    const reason = input.reason?.trim();
    if (!reason) {
      throw new InputError('reason is required');
    }
    const entity = await this.loadEntity(input.entityRef, credentials);
    const entityRef = normalizeRef(stringifyEntityRef(entity));
    const target = this.targetsOf(entity).find(t => t.id === input.targetId);
    if (!target) {
      throw new InputError(
        `targetId '${input.targetId}' is not an access target of ${entityRef} (see its ${MTTR_ACCESS_TARGETS_ANNOTATION} annotation)`,
      );
    }
    checkDuration(input.durationMinutes, target);
    await this.requirePermission(
      mttrAccessRequestPermission,
      entityRef,
      credentials,
    );

    const open = await this.o.openIncidents.listOpenIncidents(entityRef);
    if (input.incident) {
      const isOpen = open.some(i => sameIncident(i, input.incident!));
      if (!isOpen && target.requireOpenIncident) {
        throw new InputError(
          `incident ${input.incident.source}/${input.incident.incidentId} is not an open incident of ${entityRef}; target '${target.id}' requires one`,
        );
      }
    } else if (target.requireOpenIncident && open.length === 0) {
      throw new InputError(
        `target '${target.id}' requires an open incident of ${entityRef}, and it has none`,
      );
    }

    const now = this.o.clock();
    const request: StoredAccessRequest = {
      id: randomUUID(),
      entityRef,
      targetId: target.id,
      incident: input.incident,
      requester: user,
      reason,
      durationMinutes: input.durationMinutes,
      status: 'pending',
      approval: target.approval,
      breakGlass: target.approval === 'break-glass',
      approvalsRequired: target.approvalsRequired,
      round: 0,
      approvalsCount: 0,
      createdAt: now,
      pendingUntil: now + target.pendingTimeoutMs,
    };
    await this.o.store.insertRequest(request);
    await this.record(request, {
      actor: user,
      action: 'requested',
      status: 'pending',
      comment: reason,
      details: {
        targetId: target.id,
        durationMinutes: request.durationMinutes,
        policy: target.approval,
        incident: input.incident ?? null,
        breakGlass: request.breakGlass,
      },
    });

    const atOnce = await this.decidesAtOnce(target, entityRef, user, open);
    if (atOnce) {
      const expiresAt = now + request.durationMinutes * MINUTE;
      const won = await this.o.store.transition(
        request.id,
        ['pending'],
        { status: 'active', decidedAt: now, grantedAt: now, expiresAt },
        { round: 0 },
      );
      if (won) {
        await this.record(request, {
          actor: user,
          action: atOnce.action,
          status: 'active',
          comment: atOnce.comment,
          details: { breakGlass: request.breakGlass },
        });
        await this.grant(request.id);
        if (request.breakGlass) {
          await this.notifyOwners(request, entity, {
            title: `BREAK-GLASS access to ${target.title} on ${entity.metadata.name}`,
            description: `${user} took break-glass access: "${reason}". An owner must review it.`,
            severity: 'critical',
          });
        }
      }
    } else {
      await this.notifyOwners(request, entity, {
        title: `Access request for ${target.title} on ${entity.metadata.name}`,
        description: `${user} asks for ${formatDuration(request.durationMinutes * MINUTE)}: "${reason}"`,
        severity: 'high',
      });
    }
    return this.present(
      await this.mustGet(request.id),
      this.viewerFor(credentials),
      true,
    );
  }

  /**
   * Policies that decide without an approver. `auto-on-call` does so only
   * when the requester is on call for this very entity (at an allowed
   * escalation level) and the entity has an open incident; otherwise
   * approvers decide, as for `approver`.
   */
  private async decidesAtOnce(
    target: AccessTargetConfig,
    entityRef: string,
    user: string,
    open: OpenIncident[],
  ): Promise<AtOnce | undefined> {
    switch (target.approval) {
      case 'auto':
        return { action: 'auto-approved', comment: 'low-risk target' };
      case 'break-glass':
        return {
          action: 'break-glass',
          comment: 'break-glass: needs an owner review',
        };
      case 'auto-on-call': {
        if (open.length === 0) return undefined;
        const onCall = await this.o.onCall.getOnCall({ entityRef });
        const me = onCall.find(
          e =>
            e.userRef?.toLocaleLowerCase('en-US') === user &&
            (!target.escalationLevels ||
              target.escalationLevels.includes(e.escalationLevel)),
        );
        return me
          ? {
              action: 'on-call-approved',
              comment: `on call (level ${me.escalationLevel}) with ${open.length} open incident(s)`,
            }
          : undefined;
      }
      default:
        return undefined;
    }
  }

  // --- deciding ------------------------------------------------------------

  async approve(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const user = requireUser(credentials);
    const request = await this.mustGet(id);
    await this.requireDecider(user, request, credentials);
    const now = this.o.clock();

    if (request.status === 'pending') {
      if ((request.pendingUntil ?? Infinity) <= now) {
        await this.lapse(request);
        throw new ConflictError(
          'The request lapsed undecided; make a new request',
        );
      }
      const expiresAt = now + request.durationMinutes * MINUTE;
      const outcome = await this.o.store.addApproval({
        id,
        round: request.round,
        from: ['pending'],
        approver: user,
        at: now,
        comment,
        decide: { status: 'active', decidedAt: now, grantedAt: now, expiresAt },
      });
      await this.record(request, {
        actor: user,
        action: 'approved',
        status: outcome.decided ? 'active' : 'pending',
        comment,
        details: {
          approvals: outcome.approvalsCount,
          required: request.approvalsRequired,
        },
      });
      if (outcome.decided) {
        await this.grant(id);
        await this.notifyRequester(request, `approved by ${user}`);
      }
      return this.present(
        await this.mustGet(id),
        this.viewerFor(credentials),
        true,
      );
    }

    if (request.status === 'active' && request.extension) {
      this.refuseEnded(request, now, 'approved');
      const extension = request.extension;
      const previousExpiry = request.expiresAt!;
      const expiresAt = request.grantedAt! + extension.durationMinutes * MINUTE;
      const outcome = await this.o.store.addApproval({
        id,
        round: request.round,
        from: ['active'],
        approver: user,
        at: now,
        comment,
        decide: {
          durationMinutes: extension.durationMinutes,
          expiresAt,
          clearExtension: true,
        },
      });
      await this.record(request, {
        actor: user,
        action: 'extension-approved',
        status: 'active',
        comment,
        details: {
          approvals: outcome.approvalsCount,
          required: request.approvalsRequired,
          durationMinutes: extension.durationMinutes,
        },
      });
      if (outcome.decided) {
        await this.regrant(id, previousExpiry, request.durationMinutes);
        await this.notifyRequester(request, `extension approved by ${user}`);
      }
      return this.present(
        await this.mustGet(id),
        this.viewerFor(credentials),
        true,
      );
    }

    throw this.notDecidable(request, now, 'approved');
  }

  async deny(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const user = requireUser(credentials);
    const request = await this.mustGet(id);
    await this.requireDecider(user, request, credentials);
    const now = this.o.clock();
    if (request.status === 'pending') {
      const won = await this.o.store.transition(
        id,
        ['pending'],
        { status: 'denied', decidedAt: now, endedAt: now },
        { round: request.round },
      );
      if (!won) throw new ConflictError('The request has already been decided');
      await this.record(request, {
        actor: user,
        action: 'denied',
        status: 'denied',
        comment,
      });
      await this.notifyRequester(request, `denied by ${user}`);
    } else if (request.status === 'active' && request.extension) {
      this.refuseEnded(request, now, 'denied');
      const won = await this.o.store.transition(
        id,
        ['active'],
        { clearExtension: true },
        { round: request.round, hasExtension: true },
      );
      if (!won)
        throw new ConflictError('The extension has already been decided');
      await this.record(request, {
        actor: user,
        action: 'extension-denied',
        status: 'active',
        comment,
      });
      await this.notifyRequester(request, `extension denied by ${user}`);
    } else {
      throw this.notDecidable(request, now, 'denied');
    }
    return this.present(
      await this.mustGet(id),
      this.viewerFor(credentials),
      true,
    );
  }

  /**
   * Ends access early: withdraws a pending request, or revokes an active
   * grant through its provider. The status changes only once the provider
   * confirmed, so `endedAt` says when access really ended; a failed
   * revocation stays visible on the request and is retried by the task.
   */
  async revoke(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const user = requireUser(credentials);
    const request = await this.mustGet(id);
    if (
      request.requester !== user &&
      !(await this.isApprover(user, request.entityRef, credentials))
    ) {
      throw new NotAllowedError(
        'Only the requester or an approver of the entity may revoke',
      );
    }
    const now = this.o.clock();
    if (request.status === 'pending') {
      const won = await this.o.store.transition(id, ['pending'], {
        status: 'revoked',
        decidedAt: now,
        endedAt: now,
      });
      if (!won) throw new ConflictError('The request has already been decided');
      await this.record(request, {
        actor: user,
        action: 'withdrawn',
        status: 'revoked',
        comment,
      });
    } else if (request.status === 'active') {
      const asked = await this.o.store.transition(
        id,
        ['active'],
        {
          revocation: {
            outcome: 'revoked',
            requestedAt: now,
            requestedBy: user,
            attempts: 0,
          },
        },
        { revocationRequested: false },
      );
      if (asked) {
        await this.record(request, {
          actor: user,
          action: 'revoke-requested',
          status: 'active',
          comment,
        });
      }
      // Another replica may be revoking (or expiring) it right now: answer
      // its committed outcome, or 409 while it is still in flight, never a
      // stale "active".
      await awaitCommittedRevocation({
        attempt: () => this.performRevocation(id),
        read: () => this.mustGet(id),
        waitMs: this.o.revocationLeaseMs,
      });
    } else {
      throw new ConflictError(
        `The request is ${request.status}: there is nothing to revoke`,
      );
    }
    return this.present(
      await this.mustGet(id),
      this.viewerFor(credentials),
      true,
    );
  }

  /**
   * A longer end for an active grant, counted from the first grant and
   * within the target's maximum, decided by the target's policy again.
   */
  async extend(
    id: string,
    input: { durationMinutes: number; reason: string },
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const user = requireUser(credentials);
    const request = await this.mustGet(id);
    if (request.requester !== user) {
      throw new NotAllowedError('Only the requester may extend a grant');
    }
    const reason = input.reason?.trim();
    if (!reason) throw new InputError('reason is required');
    const now = this.o.clock();
    if (request.status !== 'active') {
      throw new ConflictError(
        `The request is ${request.status}: only an active grant can be extended; make a new request`,
      );
    }
    this.refuseEnded(request, now, 'extended');
    if (request.extension) {
      throw new ConflictError('An extension is already waiting for approval');
    }
    const target = this.targetOf(request);
    checkDuration(
      input.durationMinutes,
      target,
      ' counted from the first grant',
    );
    if (input.durationMinutes <= request.durationMinutes) {
      throw new InputError(
        `durationMinutes must be longer than the current ${request.durationMinutes} minutes`,
      );
    }
    await this.requirePermission(
      mttrAccessRequestPermission,
      request.entityRef,
      credentials,
    );
    const open = await this.o.openIncidents.listOpenIncidents(
      request.entityRef,
    );
    const atOnce = await this.decidesAtOnce(
      target,
      request.entityRef,
      user,
      open,
    );
    if (atOnce) {
      const previousExpiry = request.expiresAt!;
      const won = await this.o.store.transition(
        id,
        ['active'],
        {
          durationMinutes: input.durationMinutes,
          expiresAt: request.grantedAt! + input.durationMinutes * MINUTE,
        },
        {
          round: request.round,
          hasExtension: false,
          revocationRequested: false,
        },
      );
      if (!won)
        throw new ConflictError('The grant changed meanwhile; try again');
      await this.record(request, {
        actor: user,
        action: 'extended',
        status: 'active',
        comment: reason,
        details: {
          durationMinutes: input.durationMinutes,
          why: atOnce.action,
          breakGlass: request.breakGlass,
        },
      });
      await this.regrant(id, previousExpiry, request.durationMinutes);
    } else {
      const won = await this.o.store.transition(
        id,
        ['active'],
        {
          extension: {
            durationMinutes: input.durationMinutes,
            reason,
            requestedAt: now,
          },
          round: request.round + 1,
          approvalsCount: 0,
          pendingUntil: now + target.pendingTimeoutMs,
        },
        {
          round: request.round,
          hasExtension: false,
          revocationRequested: false,
        },
      );
      if (!won)
        throw new ConflictError('The grant changed meanwhile; try again');
      await this.record(request, {
        actor: user,
        action: 'extension-requested',
        status: 'active',
        comment: reason,
        details: { durationMinutes: input.durationMinutes },
      });
      const entity = await this.loadEntityAsService(request.entityRef);
      if (entity) {
        await this.notifyOwners(request, entity, {
          title: `Extension request for ${target.title} on ${entity.metadata.name}`,
          description: `${user} asks to extend to ${formatDuration(input.durationMinutes * MINUTE)}: "${reason}"`,
          severity: 'high',
        });
      }
    }
    return this.present(
      await this.mustGet(id),
      this.viewerFor(credentials),
      true,
    );
  }

  /** An owner's review of a break-glass grant, after the fact. */
  async review(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const user = requireUser(credentials);
    const request = await this.mustGet(id);
    if (!request.breakGlass) {
      throw new InputError('Only break-glass grants are reviewed');
    }
    await this.requireDecider(user, request, credentials);
    const now = this.o.clock();
    const won = await this.o.store.transition(
      id,
      ['active', 'expired', 'revoked', 'failed'],
      { review: { reviewedBy: user, reviewedAt: now, comment } },
      { reviewed: false },
    );
    if (!won) {
      throw new ConflictError('The grant has already been reviewed');
    }
    await this.record(request, {
      actor: user,
      action: 'reviewed',
      status: request.status,
      comment,
      details: { breakGlass: true },
    });
    return this.present(
      await this.mustGet(id),
      this.viewerFor(credentials),
      true,
    );
  }

  /**
   * Demo data: a pending request by someone else, so that a demo user who
   * owns the entity has something to approve. Added only when the same
   * requester has nothing pending or active on that target already.
   */
  async seedDemoRequest(input: {
    entityRef: string;
    targetId: string;
    requester: string;
    durationMinutes: number;
    reason: string;
  }): Promise<void> {
    const target = this.o.targets.get(input.targetId);
    if (!target) return;
    const existing = await this.o.store.listRequests({
      entityRef: input.entityRef,
      requester: input.requester,
      status: ['pending', 'active'],
    });
    if (existing.some(r => r.targetId === input.targetId)) return;
    const now = this.o.clock();
    const request: StoredAccessRequest = {
      id: randomUUID(),
      entityRef: input.entityRef,
      targetId: target.id,
      requester: input.requester,
      reason: input.reason,
      durationMinutes: Math.min(
        input.durationMinutes,
        target.maxDurationMinutes,
      ),
      status: 'pending',
      approval: target.approval,
      breakGlass: false,
      approvalsRequired: target.approvalsRequired,
      round: 0,
      approvalsCount: 0,
      createdAt: now,
      pendingUntil: now + target.pendingTimeoutMs,
    };
    await this.o.store.insertRequest(request);
    await this.record(request, {
      actor: input.requester,
      action: 'requested',
      status: 'pending',
      comment: input.reason,
      details: { targetId: target.id, demo: true },
    });
  }

  // --- expiry ----------------------------------------------------------------

  /**
   * One pass of the expiry task: lapses undecided requests past their
   * pending timeout, lets undecided extensions lapse, ends grants past their
   * expiry and retries revocations that failed. Safe to run on several
   * replicas: every step is a conditional update or a claim.
   */
  async runExpiry(): Promise<{
    lapsed: number;
    ended: number;
    failed: number;
  }> {
    const counts = { lapsed: 0, ended: 0, failed: 0 };
    for (const request of await this.listDueForExpiry()) {
      const outcome = await this.expireOne(request);
      if (outcome === 'lapsed' || outcome === 'ended' || outcome === 'failed') {
        counts[outcome] += 1;
      }
    }
    return counts;
  }

  /** Requests past one of their deadlines now (see {@link runExpiry}). */
  async listDueForExpiry(): Promise<StoredAccessRequest[]> {
    return this.o.store.listDue(this.o.clock());
  }

  /**
   * Lapses, ends or retries one due request. Every step is a conditional
   * update or a lease, so that replicas racing for the same request make
   * one provider call between them ('busy' for the others).
   */
  async expireOne(request: StoredAccessRequest): Promise<ExpiryOutcome> {
    const now = this.o.clock();
    try {
      if (request.status === 'pending') {
        return (await this.lapse(request)) ? 'lapsed' : 'none';
      }
      if (request.extension && (request.pendingUntil ?? Infinity) <= now) {
        if (
          await this.o.store.transition(
            request.id,
            ['active'],
            { clearExtension: true },
            { round: request.round, hasExtension: true },
          )
        ) {
          await this.record(request, {
            actor: ACCESS_SYSTEM_ACTOR,
            action: 'extension-lapsed',
            status: 'active',
          });
        }
      }
      if ((request.expiresAt ?? Infinity) <= now && !request.revocation) {
        // Marked once, by whichever replica gets here first; the others
        // find it marked and compete for the lease below.
        await this.o.store.transition(
          request.id,
          ['active'],
          {
            revocation: {
              outcome: 'expired',
              requestedAt: now,
              requestedBy: ACCESS_SYSTEM_ACTOR,
              attempts: 0,
            },
          },
          { revocationRequested: false },
        );
      } else if (!request.revocation) {
        return 'none';
      }
      return await this.performRevocation(request.id);
    } catch (error) {
      this.o.logger.error(`Access expiry of ${request.id} failed: ${error}`);
      return 'failed';
    }
  }

  private async lapse(request: StoredAccessRequest): Promise<boolean> {
    const now = this.o.clock();
    const won = await this.o.store.transition(
      request.id,
      ['pending'],
      { status: 'lapsed', endedAt: now },
      { round: request.round },
    );
    if (won) {
      await this.record(request, {
        actor: ACCESS_SYSTEM_ACTOR,
        action: 'lapsed',
        status: 'lapsed',
        comment: 'undecided past the pending timeout',
      });
      await this.notifyRequester(request, 'lapsed undecided');
    }
    return won;
  }

  private async performRevocation(
    id: string,
  ): Promise<'ended' | 'failed' | 'busy'> {
    const called = await withGrantLease({
      leases: this.o.leases,
      requestId: id,
      owner: this.o.replicaId,
      clock: this.o.clock,
      leaseMs: this.o.revocationLeaseMs,
      onLost: () =>
        this.o.logger.warn(
          `Access ${id}: the revocation lease lapsed during the provider call; another replica may retry it (same idempotency key)`,
        ),
      work: () => this.callRevoke(id),
    });
    if (called === 'busy' || called.failed) {
      return called === 'busy' ? 'busy' : 'failed';
    }
    const { request } = called;
    const revocation = request.revocation!;
    const endedAt = this.o.clock();
    const won = await this.o.store.transition(id, ['active'], {
      status: revocation.outcome,
      endedAt,
      clearRevocation: true,
      clearError: true,
      clearExtension: true,
    });
    if (!won) return 'busy';
    await this.o.store.markGrantRevoked(id, endedAt);
    await this.record(request, {
      actor: revocation.requestedBy,
      action: revocation.outcome,
      status: revocation.outcome,
      comment:
        revocation.outcome === 'expired'
          ? 'access ended at expiry'
          : 'access ended early',
      details: { attempts: request.revocation!.attempts },
    });
    await this.notifyRequester(
      request,
      revocation.outcome === 'expired'
        ? 'expired: access ended'
        : 'revoked: access ended',
    );
    return 'ended';
  }

  /** The provider call of a revocation whose lease this replica holds. */
  private async callRevoke(
    id: string,
  ): Promise<{ failed: boolean; request: StoredAccessRequest }> {
    const request = (await this.o.store.getRequest(id))!;
    const revocation = request.revocation!;
    try {
      const target = this.targetOf(request);
      const provider = this.providerOf(target);
      const grant = await this.o.store.getGrant(id);
      // Without a recorded grant (a crash between the provider's answer and
      // our write) the request id is the key: providers treat revoking an
      // unknown grant as done.
      await provider.revoke({
        request: await this.present(request, undefined, false),
        grant: grant
          ? { grantId: grant.grantId, details: grant.details }
          : { grantId: id },
        settings: target.settings,
      });
      return { failed: false, request };
    } catch (error) {
      const message = `revocation failed: ${error?.message ?? error}`;
      await this.o.store.transition(id, ['active'], {
        error: message,
        clearRevocation: true,
      });
      await this.record(request, {
        actor: revocation.requestedBy,
        action: 'revoke-failed',
        status: 'active',
        comment: message,
        details: { attempt: revocation.attempts },
      });
      this.o.logger.warn(
        `Access ${id}: ${message} (attempt ${revocation.attempts}); will retry`,
      );
      return { failed: true, request };
    }
  }

  // --- granting ------------------------------------------------------------

  private async grant(id: string): Promise<void> {
    const request = (await this.o.store.getRequest(id))!;
    const target = this.targetOf(request);
    try {
      const provider = this.providerOf(target);
      const grant = await provider.grant({
        request: await this.present(request, undefined, false),
        settings: target.settings,
        expiresAt: iso(request.expiresAt)!,
      });
      await this.o.store.putGrant({
        requestId: id,
        provider: provider.id,
        grantId: grant.grantId,
        details: grant.details,
        grantedAt: request.grantedAt!,
        expiresAt: request.expiresAt!,
      });
      await this.record(request, {
        actor: ACCESS_SYSTEM_ACTOR,
        action: 'granted',
        status: 'active',
        details: {
          provider: provider.id,
          grantId: grant.grantId,
          expiresAt: iso(request.expiresAt)!,
          breakGlass: request.breakGlass,
        },
      });
    } catch (error) {
      const message = `grant failed: ${error?.message ?? error}`;
      const now = this.o.clock();
      await this.o.store.transition(id, ['active'], {
        status: 'failed',
        endedAt: now,
        error: message,
      });
      await this.record(request, {
        actor: ACCESS_SYSTEM_ACTOR,
        action: 'grant-failed',
        status: 'failed',
        comment: message,
      });
      await this.notifyRequester(request, message);
    }
  }

  /** Tells the provider about a later end; undoes the extension if it fails. */
  private async regrant(
    id: string,
    previousExpiry: number,
    previousDuration: number,
  ) {
    const request = (await this.o.store.getRequest(id))!;
    const target = this.targetOf(request);
    try {
      const provider = this.providerOf(target);
      const grant = await provider.grant({
        request: await this.present(request, undefined, false),
        settings: target.settings,
        expiresAt: iso(request.expiresAt)!,
      });
      await this.o.store.putGrant({
        requestId: id,
        provider: provider.id,
        grantId: grant.grantId,
        details: grant.details,
        grantedAt: request.grantedAt!,
        expiresAt: request.expiresAt!,
      });
    } catch (error) {
      const message = `extension failed: ${error?.message ?? error}`;
      await this.o.store.transition(id, ['active'], {
        expiresAt: previousExpiry,
        durationMinutes: previousDuration,
        error: message,
      });
      await this.record(request, {
        actor: ACCESS_SYSTEM_ACTOR,
        action: 'extend-failed',
        status: 'active',
        comment: message,
      });
    }
  }

  // --- who may do what -----------------------------------------------------

  /**
   * Approvers: members of the entity's owning group other than the
   * requester, plus holders of the approve permission. Nobody decides on
   * their own request, whatever permissions they hold.
   */
  private async requireDecider(
    user: string,
    request: StoredAccessRequest,
    credentials: BackstageCredentials,
  ) {
    if (request.requester === user) {
      throw new NotAllowedError(
        'Nobody approves, denies or reviews their own request',
      );
    }
    if (!(await this.isApprover(user, request.entityRef, credentials))) {
      throw new NotAllowedError(
        `${user} is not an approver of ${request.entityRef}: not a member of its owning group and no ${mttrAccessApprovePermission.name} permission`,
      );
    }
  }

  /** @internal used by ViewerContext */
  async isApprover(
    user: string,
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    if (await this.isOwnerMember(user, entityRef)) return true;
    const [decision] = await this.o.permissions.authorize(
      [{ permission: mttrAccessApprovePermission, resourceRef: entityRef }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Owners of the entity: members of the owning group (or the owning user). */
  async ownersOf(
    entity: Entity,
  ): Promise<{ ownerRef?: string; members: string[] }> {
    const owner = (entity.spec as { owner?: string } | undefined)?.owner;
    if (!owner) return { members: [] };
    const ownerRef = stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
    if (ownerRef.startsWith('user:')) return { ownerRef, members: [ownerRef] };
    const group = await this.loadEntityAsService(ownerRef);
    const members = (group?.relations ?? [])
      .filter(r => r.type === RELATION_HAS_MEMBER)
      .map(r => r.targetRef.toLocaleLowerCase('en-US'));
    return { ownerRef, members };
  }

  private async isOwnerMember(
    user: string,
    entityRef: string,
  ): Promise<boolean> {
    const entity = await this.loadEntityAsService(entityRef);
    if (!entity) return false;
    const { members } = await this.ownersOf(entity);
    return members.includes(user);
  }

  private async requirePermission(
    permission: ResourcePermission | BasicPermission,
    entityRef: string,
    credentials: BackstageCredentials,
  ) {
    const [decision] = await this.o.permissions.authorize(
      [{ permission, resourceRef: entityRef } as any],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You lack the ${permission.name} permission on ${entityRef}`,
      );
    }
  }

  // --- helpers -------------------------------------------------------------

  private refuseEnded(request: StoredAccessRequest, now: number, verb: string) {
    if ((request.expiresAt ?? Infinity) <= now || request.revocation) {
      throw new ConflictError(
        `The grant has expired or is ending: it cannot be ${verb}; make a new request`,
      );
    }
  }

  private notDecidable(
    request: StoredAccessRequest,
    now: number,
    verb: string,
  ) {
    if (
      request.status === 'expired' ||
      (request.status === 'active' && (request.expiresAt ?? Infinity) <= now)
    ) {
      return new ConflictError(
        `The grant has expired: it cannot be ${verb}; make a new request`,
      );
    }
    return new ConflictError(
      `The request is ${request.status}, not pending: it cannot be ${verb}`,
    );
  }

  private async mustGet(id: string): Promise<StoredAccessRequest> {
    const request = await this.o.store.getRequest(id);
    if (!request) throw new NotFoundError(`No access request ${id}`);
    return request;
  }

  private targetOf(request: StoredAccessRequest): AccessTargetConfig {
    const target = this.o.targets.get(request.targetId);
    if (!target) {
      throw new ConflictError(
        `Access target '${request.targetId}' is no longer configured`,
      );
    }
    return target;
  }

  private providerOf(target: AccessTargetConfig): AccessProvider {
    const provider = this.o.providers.get(target.provider);
    if (!provider) {
      throw new Error(`No access provider '${target.provider}' is installed`);
    }
    return provider;
  }

  private targetsOf(entity: Entity): AccessTargetConfig[] {
    const ids = splitList(
      entity.metadata.annotations?.[MTTR_ACCESS_TARGETS_ANNOTATION],
    );
    return ids
      .map(id => this.o.targets.get(id))
      .filter((t): t is AccessTargetConfig => Boolean(t));
  }

  private async loadEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    let ref: string;
    try {
      ref = normalizeRef(entityRef);
    } catch {
      throw new InputError(`entityRef '${entityRef}' is not an entity ref`);
    }
    const entity = await this.o.catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${ref}`);
    return entity;
  }

  private async loadEntityAsService(
    entityRef: string,
  ): Promise<Entity | undefined> {
    return this.o.catalog.getEntityByRef(entityRef, {
      credentials: await this.o.auth.getOwnServiceCredentials(),
    });
  }

  private async visibleEntityRefs(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const unique = [...new Set(refs)];
    if (!unique.length) return new Set();
    const { items } = await this.o.catalog.getEntitiesByRefs(
      {
        entityRefs: unique,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    return new Set(
      items
        .filter((e): e is Entity => Boolean(e))
        .map(e => normalizeRef(stringifyEntityRef(e))),
    );
  }

  private async record(
    request: StoredAccessRequest,
    event: Omit<NewAccessEvent, 'requestId' | 'at'>,
  ) {
    await this.o.audit.record({
      ...event,
      requestId: request.id,
      at: this.o.clock(),
    });
  }

  private async notifyOwners(
    request: StoredAccessRequest,
    entity: Entity,
    message: {
      title: string;
      description: string;
      severity: 'critical' | 'high';
    },
  ) {
    const { ownerRef } = await this.ownersOf(entity);
    await this.o.notifier.notify({
      recipients: ownerRef ? [ownerRef] : [],
      exclude: request.requester,
      title: message.title,
      description: message.description,
      severity: message.severity,
      link: entityLink(request.entityRef),
      topic: `mttr-access:${request.id}`,
    });
  }

  private async notifyRequester(request: StoredAccessRequest, what: string) {
    await this.o.notifier.notify({
      recipients: [request.requester],
      title: `Your access request for ${request.targetId} on ${request.entityRef} was ${what}`,
      description: `Request ${request.id}`,
      link: entityLink(request.entityRef),
      topic: `mttr-access:${request.id}`,
    });
  }

  private viewerFor(credentials: BackstageCredentials): ViewerContext {
    return new ViewerContext(userOf(credentials), (user, entityRef) =>
      this.isApprover(user, entityRef, credentials),
    );
  }

  /** @internal turns a stored request into the API shape */
  async present(
    request: StoredAccessRequest,
    viewer: ViewerContext | undefined,
    withHistory: boolean,
  ): Promise<AccessRequest> {
    const approvals: StoredApproval[] = await this.o.store.listApprovals(
      request.id,
    );
    const result: AccessRequest = {
      id: request.id,
      entityRef: request.entityRef,
      targetId: request.targetId,
      incident: request.incident,
      requester: request.requester,
      reason: request.reason,
      durationMinutes: request.durationMinutes,
      status: request.status,
      approval: request.approval,
      breakGlass: request.breakGlass,
      createdAt: iso(request.createdAt)!,
      decidedAt: iso(request.decidedAt),
      grantedAt: iso(request.grantedAt),
      expiresAt: iso(request.expiresAt),
      endedAt: iso(request.endedAt),
      error: request.error,
      approvals: approvals.map(a => ({
        approver: a.approver,
        at: iso(a.at)!,
        comment: a.comment,
      })),
      approvalsRequired: request.approvalsRequired,
      pendingExtension: request.extension
        ? {
            durationMinutes: request.extension.durationMinutes,
            reason: request.extension.reason,
            requestedAt: iso(request.extension.requestedAt)!,
          }
        : undefined,
      revocation: request.revocation
        ? {
            outcome: request.revocation.outcome,
            requestedAt: iso(request.revocation.requestedAt)!,
            requestedBy: request.revocation.requestedBy,
            attempts: request.revocation.attempts,
            lastError: request.error,
          }
        : undefined,
      review: request.breakGlass
        ? {
            required: !request.review,
            reviewedBy: request.review?.reviewedBy,
            reviewedAt: iso(request.review?.reviewedAt),
            comment: request.review?.comment,
          }
        : undefined,
    };
    if (viewer) {
      result.viewer = await viewer.flags(request, this.o.clock());
    }
    if (withHistory) {
      const events = await this.o.store.listEvents({ requestId: request.id });
      result.history = events.map(e => ({
        at: iso(e.at)!,
        actor: e.actor,
        action: e.action,
        status: e.status ?? request.status,
        comment: e.comment,
      }));
    }
    return JSON.parse(JSON.stringify(result));
  }
}

function publicTarget(target: AccessTargetConfig): AccessTarget {
  return {
    id: target.id,
    title: target.title,
    description: target.description,
    maxDurationMinutes: target.maxDurationMinutes,
    defaultDurationMinutes: target.defaultDurationMinutes,
    requireOpenIncident: target.requireOpenIncident,
    approval: target.approval,
  };
}

function checkDuration(
  minutes: number,
  target: AccessTargetConfig,
  counted = '',
) {
  if (!Number.isInteger(minutes) || minutes < 1) {
    throw new InputError(
      'durationMinutes must be a whole number of minutes, at least 1',
    );
  }
  if (minutes > target.maxDurationMinutes) {
    throw new InputError(
      `durationMinutes ${minutes} is above the maximum of ${target.maxDurationMinutes} minutes (${formatDuration(target.maxDurationMinutes * MINUTE)}) for target '${target.id}'${counted}`,
    );
  }
}

function sameIncident(
  a: { source: string; incidentId: string },
  b: { source: string; incidentId: string },
) {
  return a.source === b.source && a.incidentId === b.incidentId;
}

function normalizeRef(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
}

function userOf(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
  };
  return principal.type === 'user'
    ? principal.userEntityRef!.toLocaleLowerCase('en-US')
    : undefined;
}

function requireUser(credentials: BackstageCredentials): string {
  const user = userOf(credentials);
  if (!user) throw new NotAllowedError('Only a signed-in user may do this');
  return user;
}

function entityLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase('en-US')}/${name}/recovery`;
}
