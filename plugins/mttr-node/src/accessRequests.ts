import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { AccessRequest } from '@mttr-backstage/plugin-mttr-common';

/**
 * A request a module files for a named user.
 *
 * @public
 */
export interface AccessRequestOnBehalf {
  /** The user the access is for, e.g. `user:default/alice`. */
  requester: string;
  /** The entity whose target the access is to, e.g. `component:default/payments-api`. */
  entityRef: string;
  /** A target configured under `mttr.access.targets` and listed on the entity. */
  targetId: string;
  /** Whole minutes, at most the target's `maxDuration`. */
  durationMinutes: number;
  /** Why, shown to approvers and kept in the audit trail; not blank. */
  reason: string;
  /** The open incident the access is for (needed by targets that require one). */
  incident?: { source: string; incidentId: string };
}

/**
 * Files access requests for named users, with the checks of
 * `POST /api/mttr/access-requests` except those that need the user's own
 * credentials (the entity is read with the plugin's own, and the
 * `mttr.access.request` permission is not asked: the module is code the
 * installer added). The target's policy decides as for the route; the
 * audit trail records the user as the requester and the module as
 * `filedBy`.
 *
 * @public
 */
export interface AccessRequestFiling {
  /**
   * Files the request. With `unlessOpen`, files nothing when the requester
   * already has a pending, granting or active request for that target of
   * that entity, and answers that one (`filed: false`).
   */
  fileRequest(
    request: AccessRequestOnBehalf,
    options?: { unlessOpen?: boolean },
  ): Promise<{ request: AccessRequest; filed: boolean }>;
}

/**
 * Lets modules file access requests once the access feature has started.
 *
 * @public
 */
export interface MttrAccessRequestsExtensionPoint {
  /**
   * Calls `callback` once the access feature has started (never when
   * `mttr.access` configures no targets). `filedBy` names the module in the
   * audit trail, e.g. `mttr.demo-access`. The callback runs in the
   * background; one that throws (the catalog may still be starting) is
   * called again with backoff, up to 8 times in about two minutes, then
   * logged: make it safe to repeat (e.g. with `unlessOpen`).
   */
  whenStarted(
    filedBy: string,
    callback: (requests: AccessRequestFiling) => Promise<void>,
  ): void;
}

/**
 * The door through which a backend module files access requests for named
 * users (see {@link MttrAccessRequestsExtensionPoint}).
 *
 * @public
 */
export const mttrAccessRequestsExtensionPoint =
  createExtensionPoint<MttrAccessRequestsExtensionPoint>({
    id: 'mttr.access-requests',
  });
