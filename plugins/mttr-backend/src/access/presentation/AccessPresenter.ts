import { AccessRequest } from '@mttr-backstage/plugin-mttr-common';
import { Clock, iso } from '../AccessContext';
import {
  AccessStore,
  StoredAccessRequest,
  StoredApproval,
} from '../store/AccessStore';
import { ViewerContext } from './ViewerContext';

/**
 * Turns stored requests into the API's shape: times as ISO text, approvals,
 * what the viewer may do, and (for one request) its history. A page of
 * requests reads the approvals of the whole page at once.
 */
export class AccessPresenter {
  constructor(
    private readonly store: AccessStore,
    private readonly clock: Clock,
  ) {}

  /** One request, with its history when asked for. */
  async present(
    request: StoredAccessRequest,
    viewer: ViewerContext | undefined,
    withHistory: boolean,
  ): Promise<AccessRequest> {
    const approvals = await this.store.listApprovals(request.id);
    const result = await this.shape(request, approvals, viewer);
    if (withHistory) {
      const events = await this.store.listEvents({ requestId: request.id });
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

  /** A page of requests, without history: one read of approvals for all. */
  async presentPage(
    requests: StoredAccessRequest[],
    viewer: ViewerContext | undefined,
  ): Promise<AccessRequest[]> {
    const approvals = await this.store.listApprovalsOf(requests.map(r => r.id));
    return Promise.all(
      requests.map(async request =>
        JSON.parse(
          JSON.stringify(
            await this.shape(request, approvals.get(request.id) ?? [], viewer),
          ),
        ),
      ),
    );
  }

  private async shape(
    request: StoredAccessRequest,
    approvals: StoredApproval[],
    viewer: ViewerContext | undefined,
  ): Promise<AccessRequest> {
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
      result.viewer = await viewer.flags(request, this.clock());
    }
    return result;
  }
}
