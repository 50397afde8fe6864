import {
  IncidentReview,
  RecoveryLevers,
  Severity,
  percentileCont,
} from '@mttr-backstage/plugin-mttr-common';
import type { LinkedAccessRequest } from '../../access/IncidentAccess';
import { LeverUnit } from '../../database/IncidentStore';
import { publishedMsOf } from '../../database/units/unitRows';
import { UnitLeverIncident } from '../../domain';
import { LeversConfig } from './config';

/*
 * The levers of recovery of one scope (an entity, or an owner's entities)
 * under one definition and window, from plain inputs: the units the
 * definition derived (service/recovery/deriveUnits.ts), with what the
 * levers need of their incidents (UnitLevers), and the access requests
 * linked to incidents. How each figure is defined, with a worked example:
 * docs/improvement-levers.md.
 */

/**
 * What the levers of a scope are computed from.
 *
 * @internal
 */
export interface LeversInput {
  config: LeversConfig;
  window: { fromMs: number; toMs: number };
  /** The request's severities (none: all); units of others take no part. */
  severities?: Severity[];
  /** The scope's units starting in the window, every outcome. */
  starting: LeverUnit[];
  /** The scope's counted units recovered in the window. */
  recovered: LeverUnit[];
  /**
   * The scope's units with a review published before the latest start of
   * the window's incidents (any outcome): the earlier reviews that a
   * repeat comes after.
   */
  reviewed: LeverUnit[];
  /** Access requests linked to incidents (of any scope: matched by key). */
  access: LinkedAccessRequest[];
}

/**
 * A due incident without a review published in time.
 *
 * @internal
 */
export interface UnreviewedDue {
  incidentKey: string;
  severity?: Severity;
  recoveredAtMs: number;
  dueAtMs: number;
  review?: IncidentReview;
}

const median = (values: number[]) => percentileCont(values, 0.5);

/** Whether a unit has any of the labels. */
function hasLabel(unit: LeverUnit, labels: string[]): boolean {
  return unit.levers.labels.some(l => labels.includes(l));
}

/** The twin key of a unit: its incidents and its start. */
function twinKey(unit: LeverUnit): string {
  return `${unit.levers.incidents.map(i => i.key).join(',')}@${unit.startMs}`;
}

/** Whether `a` recovered later than `b` (open is latest). */
function recoversLater(a: LeverUnit, b: LeverUnit): boolean {
  if (b.endMs === null) return false;
  return a.endMs === null || a.endMs > b.endMs;
}

/**
 * Units of several of the scope's entities that come from the same
 * incidents and start together are one unit, as for the figures of an
 * owner (service/comparison): the one that recovered last is kept.
 */
function onceEach(units: LeverUnit[]): LeverUnit[] {
  // Within one entity no two units share their incidents and start.
  if (units.every(u => u.entityRef === units[0].entityRef)) return units;
  const kept = new Map<string, LeverUnit>();
  for (const unit of units) {
    const key = twinKey(unit);
    const other = kept.get(key);
    if (!other || recoversLater(unit, other)) kept.set(key, unit);
  }
  return [...kept.values()];
}

/**
 * The levers of one scope, and its due incidents without a review
 * published in time (latest recovery first).
 *
 * @internal
 */
export function computeLevers(input: LeversInput): {
  levers: RecoveryLevers;
  unreviewed: UnreviewedDue[];
} {
  const { config, window } = input;
  const wanted = input.severities?.length
    ? new Set<Severity>(input.severities)
    : undefined;
  const ofRequest = (unit: LeverUnit) =>
    !wanted || (unit.severity !== undefined && wanted.has(unit.severity));
  const starting = onceEach(
    wanted ? input.starting.filter(ofRequest) : input.starting,
  );
  const counted = starting.filter(u => u.outcome === 'counted');

  // The window's incidents: those of a counted unit starting in the
  // window, once each, with the entities they were counted for (one, but
  // for a scope of several entities).
  const windowIncidents = new Map<
    string,
    { incident: UnitLeverIncident; entities: string[] }
  >();
  for (const unit of input.starting) {
    if (unit.outcome !== 'counted' || !ofRequest(unit)) continue;
    for (const incident of unit.levers.incidents) {
      const seen = windowIncidents.get(incident.key);
      if (!seen) {
        windowIncidents.set(incident.key, {
          incident,
          entities: [unit.entityRef],
        });
      } else if (!seen.entities.includes(unit.entityRef)) {
        seen.entities.push(unit.entityRef);
      }
    }
  }

  // --- reviews -----------------------------------------------------------
  // Due: an incident of a counted unit recovered in the window, of a
  // review severity; its recovery is that unit's (the latest, when it has
  // several: reopened with `separate`, or counted for several entities).
  const due = new Map<
    string,
    { incident: UnitLeverIncident; recoveredAtMs: number }
  >();
  for (const unit of input.recovered) {
    if (!ofRequest(unit) || unit.endMs === null) continue;
    if (unit.endMs < window.fromMs || unit.endMs >= window.toMs) continue;
    for (const incident of unit.levers.incidents) {
      if (!incident.severity) continue;
      if (!config.reviews.severities.includes(incident.severity)) continue;
      const seen = due.get(incident.key);
      if (!seen || unit.endMs > seen.recoveredAtMs) {
        due.set(incident.key, { incident, recoveredAtMs: unit.endMs });
      }
    }
  }
  let published = 0;
  const timesToPublish: number[] = [];
  const unreviewed: UnreviewedDue[] = [];
  for (const [key, { incident, recoveredAtMs }] of due) {
    const publishedMs = publishedMsOf(incident.review);
    const dueAtMs = recoveredAtMs + config.reviews.dueWithinMs;
    if (publishedMs !== undefined) {
      timesToPublish.push(publishedMs - recoveredAtMs);
    }
    if (publishedMs !== undefined && publishedMs <= dueAtMs) {
      published += 1;
    } else {
      unreviewed.push({
        incidentKey: key,
        ...(incident.severity ? { severity: incident.severity } : {}),
        recoveredAtMs,
        dueAtMs,
        ...(incident.review ? { review: incident.review } : {}),
      });
    }
  }
  unreviewed.sort(
    (a, b) =>
      b.recoveredAtMs - a.recoveredAtMs ||
      (a.incidentKey < b.incidentKey ? -1 : 1),
  );

  let openActionItems = 0;
  for (const { incident } of windowIncidents.values()) {
    openActionItems += incident.actionItemsOpen ?? 0;
  }

  // Repeats after a review: a window incident whose fingerprint matches an
  // earlier incident of the same entity with a published review, and that
  // starts after that review was published.
  const reviewedByProblem = new Map<
    string,
    Array<{ key: string; startMs: number; publishedMs: number }>
  >();
  for (const units of [input.reviewed, input.starting]) {
    for (const unit of units) {
      for (const incident of unit.levers.incidents) {
        if (!incident.review || !incident.fingerprint) continue;
        const publishedMs = publishedMsOf(incident.review);
        if (publishedMs === undefined) continue;
        const problem = `${unit.entityRef}\u0000${incident.fingerprint}`;
        const list = reviewedByProblem.get(problem) ?? [];
        list.push({
          key: incident.key,
          startMs: incident.startMs,
          publishedMs,
        });
        reviewedByProblem.set(problem, list);
      }
    }
  }
  let repeatsAfterReview = 0;
  // Without a published review there is nothing to repeat after.
  for (const { incident, entities } of reviewedByProblem.size > 0
    ? windowIncidents.values()
    : []) {
    if (!incident.fingerprint) continue;
    const repeats = entities.some(entityRef =>
      (
        reviewedByProblem.get(`${entityRef}\u0000${incident.fingerprint}`) ?? []
      ).some(
        earlier =>
          earlier.key !== incident.key &&
          earlier.startMs < incident.startMs &&
          earlier.publishedMs < incident.startMs,
      ),
    );
    if (repeats) repeatsAfterReview += 1;
  }

  // --- drills --------------------------------------------------------------
  // Measured as the definition measures, without its excludeLabels.
  const drills = starting.filter(
    u =>
      u.levers.outcomeWithoutLabels === 'counted' &&
      hasLabel(u, config.drills.labels),
  );
  const drillDurations = drills
    .filter(u => u.endMs !== null && u.durationMs !== null)
    .map(u => u.durationMs!);

  // --- automation ----------------------------------------------------------
  const automated: number[] = [];
  const manual: number[] = [];
  let automatedCount = 0;
  for (const unit of counted) {
    const isAutomated = hasLabel(unit, config.automation.labels);
    if (isAutomated) automatedCount += 1;
    if (unit.endMs !== null && unit.durationMs !== null) {
      (isAutomated ? automated : manual).push(unit.durationMs);
    }
  }

  // --- access --------------------------------------------------------------
  const firstGrant = new Map<string, { atMs: number; breakGlass: boolean }>();
  for (const request of input.access) {
    if (request.grantedAtMs === undefined) continue;
    if (!windowIncidents.has(request.incidentKey)) continue;
    const seen = firstGrant.get(request.incidentKey);
    firstGrant.set(request.incidentKey, {
      atMs: Math.min(seen?.atMs ?? Infinity, request.grantedAtMs),
      breakGlass: Boolean(seen?.breakGlass) || request.breakGlass,
    });
  }
  // May be negative: access granted before the incident's start under the
  // definition (its impact, under `start: impact`) is kept as it is.
  const timesToAccess = [...firstGrant].map(
    ([key, grant]) => grant.atMs - windowIncidents.get(key)!.incident.startMs,
  );

  return {
    levers: {
      reviews: {
        due: due.size,
        published,
        coverage: due.size === 0 ? null : published / due.size,
        medianTimeToPublishMs: median(timesToPublish),
        openActionItems,
        repeatsAfterReview,
      },
      drills: {
        count: drills.length,
        recovered: drillDurations.length,
        medianMs: median(drillDurations),
      },
      automation: {
        count: automatedCount,
        share: counted.length === 0 ? null : automatedCount / counted.length,
        medianMs: median(automated),
        manualMedianMs: median(manual),
      },
      access: {
        incidentsWithAccess: firstGrant.size,
        medianTimeToAccessMs: median(timesToAccess),
        breakGlass: [...firstGrant.values()].filter(g => g.breakGlass).length,
      },
    },
    unreviewed,
  };
}
