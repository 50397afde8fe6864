import { StoredAccessRequest } from '../store/AccessStore';

/**
 * What the calling user may do with requests (the `viewer` field of the
 * answers), asking whether they approve for an entity once per entity.
 */
export class ViewerContext {
  private readonly approver = new Map<string, Promise<boolean>>();

  constructor(
    private readonly user: string | undefined,
    private readonly isApprover: (
      user: string,
      entityRef: string,
    ) => Promise<boolean>,
  ) {}

  async flags(request: StoredAccessRequest, now: number) {
    const user = this.user;
    if (!user) {
      return {
        canApprove: false,
        canRevoke: false,
        canExtend: false,
        canReview: false,
      };
    }
    let approver = this.approver.get(request.entityRef);
    if (!approver) {
      approver = this.isApprover(user, request.entityRef);
      this.approver.set(request.entityRef, approver);
    }
    const isApprover = (await approver) && user !== request.requester;
    const live =
      request.status === 'active' &&
      (request.expiresAt ?? Infinity) > now &&
      !request.revocation;
    return {
      canApprove:
        isApprover &&
        ((request.status === 'pending' &&
          (request.pendingUntil ?? Infinity) > now) ||
          (live && Boolean(request.extension))),
      canRevoke:
        (request.status === 'pending' ||
          request.status === 'granting' ||
          request.status === 'active') &&
        (user === request.requester || isApprover),
      canExtend: live && user === request.requester && !request.extension,
      canReview:
        request.breakGlass &&
        !request.review &&
        request.status !== 'pending' &&
        isApprover,
    };
  }
}
