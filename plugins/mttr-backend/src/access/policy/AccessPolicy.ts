import { InputError } from '@backstage/errors';
import {
  AccessTarget,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';
import { OnCallLookup } from '@mttr-backstage/plugin-mttr-node';
import { MINUTE } from '../AccessContext';
import { AccessTargetConfig } from '../config';
import { OpenIncident } from '../OpenIncidentLookup';

/** Why a request or extension was granted without an approver. */
export type AtOnce = {
  action: 'auto-approved' | 'on-call-approved' | 'break-glass';
  comment: string;
};

/** An incident a request names. */
export type IncidentRef = { source: string; incidentId: string };

/**
 * The rules of a target: how long, tied to which incident, and whether its
 * policy decides without an approver.
 */
export class AccessPolicy {
  constructor(private readonly onCall: OnCallLookup) {}

  /**
   * Policies that decide without an approver. `auto-on-call` does so only
   * when the requester is on call for this very entity (at an allowed
   * escalation level) and the entity has an open incident; otherwise
   * approvers decide, as for `approver`.
   */
  async decidesAtOnce(
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
        const onCall = await this.onCall.getOnCall({ entityRef });
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
}

/** A duration in whole minutes, from 1 to the target's maximum. */
export function checkDuration(
  minutes: number,
  target: AccessTargetConfig,
  counted = '',
): void {
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

/**
 * A target with `requireOpenIncident` needs an open incident of the
 * entity; a named incident must be one of them.
 */
export function checkIncident(
  target: AccessTargetConfig,
  entityRef: string,
  incident: IncidentRef | undefined,
  open: OpenIncident[],
): void {
  if (incident) {
    const isOpen = open.some(
      i => i.source === incident.source && i.incidentId === incident.incidentId,
    );
    if (!isOpen && target.requireOpenIncident) {
      throw new InputError(
        `incident ${incident.source}/${incident.incidentId} is not an open incident of ${entityRef}; target '${target.id}' requires one`,
      );
    }
  } else if (target.requireOpenIncident && open.length === 0) {
    throw new InputError(
      `target '${target.id}' requires an open incident of ${entityRef}, and it has none`,
    );
  }
}

/** A target as answered to clients: without provider and settings. */
export function publicTarget(target: AccessTargetConfig): AccessTarget {
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
