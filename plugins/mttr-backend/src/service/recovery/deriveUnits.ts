import {
  RecoveryDefinition,
  SEVERITIES,
  Severity,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';
import { compareText, cycleRecoveryMs } from './deriveIncident';
import { UnitLeverIncident } from '../../domain';
import { DerivedIncident, IncidentCycle, RecoveryUnit } from './types';

/** `source/incidentId`: how units and explanations name an incident. */
export function incidentKeyOf(incident: {
  source: string;
  incidentId: string;
}): string {
  return `${incident.source}/${incident.incidentId}`;
}

/**
 * The group an incident's units are derived in under a definition. With a
 * recurrence window, incidents of one fingerprint may fold into each other,
 * so they are derived together; otherwise each incident stands alone.
 */
export function groupKeyOf(
  definition: RecoveryDefinition,
  incident: Pick<DerivedIncident, 'source' | 'incidentId' | 'fingerprint'>,
): string {
  if (definition.recurrenceWindowMs !== undefined && incident.fingerprint) {
    return `fp:${incident.fingerprint}`;
  }
  return `inc:${incidentKeyOf(incident)}`;
}

/** Where an incident starts under a definition. */
export function definitionStartMs(
  definition: RecoveryDefinition,
  incident: DerivedIncident,
): number {
  if (
    definition.start === 'impact' &&
    incident.impactStartedAtMs !== undefined
  ) {
    return incident.impactStartedAtMs;
  }
  return incident.startMs;
}

/** What the levers need of an incident (see UnitLevers). */
function leverIncidentOf(
  definition: RecoveryDefinition,
  incident: DerivedIncident,
): UnitLeverIncident {
  return {
    key: incidentKeyOf(incident),
    startMs: definitionStartMs(definition, incident),
    ...(incident.severity ? { severity: incident.severity } : {}),
    ...(incident.fingerprint ? { fingerprint: incident.fingerprint } : {}),
    ...(incident.review ? { review: incident.review } : {}),
    ...(incident.actionItems
      ? { actionItemsOpen: incident.actionItems.open }
      : {}),
  };
}

/** A cycle as it takes part in a chain: its start under the definition. */
interface ChainCycle {
  incident: DerivedIncident;
  cycle: IncidentCycle;
  startMs: number;
  recoveryMs: number | undefined;
  /** The first cycle of the incident (not started by a reopen). */
  first: boolean;
}

interface Chain {
  incidents: DerivedIncident[];
  cycles: ChainCycle[];
}

function cyclesOf(
  definition: RecoveryDefinition,
  incident: DerivedIncident,
): ChainCycle[] {
  const cycles =
    definition.end === 'mitigated'
      ? incident.mitigatedCycles
      : incident.resolvedCycles;
  return cycles.map((cycle, index) => ({
    incident,
    cycle,
    startMs:
      index === 0 ? definitionStartMs(definition, incident) : cycle.startMs,
    recoveryMs: cycleRecoveryMs(cycle, definition.end),
    first: index === 0,
  }));
}

/**
 * Builds recurrence chains: incidents of one fingerprint, in order of start
 * (ties by source, then incident id). An incident that starts within the
 * window after the current chain's final recovery (0 <= start - recovery <=
 * window) is folded into it as a reopen at its start; any other starts a
 * new chain. An unrecovered chain folds nothing in: the problem was never
 * "temporarily fixed".
 */
function buildChains(
  definition: RecoveryDefinition,
  incidents: DerivedIncident[],
): Chain[] {
  const ordered = [...incidents].sort(
    (a, b) =>
      definitionStartMs(definition, a) - definitionStartMs(definition, b) ||
      compareText(a.source, b.source) ||
      compareText(a.incidentId, b.incidentId),
  );
  const window = definition.recurrenceWindowMs;
  const chains: Chain[] = [];
  for (const incident of ordered) {
    const cycles = cyclesOf(definition, incident);
    const chain = chains[chains.length - 1];
    if (window !== undefined && chain) {
      const recovery = chain.cycles[chain.cycles.length - 1].recoveryMs;
      const gap =
        recovery === undefined ? undefined : cycles[0].startMs - recovery;
      if (gap !== undefined && gap >= 0 && gap <= window) {
        chain.incidents.push(incident);
        chain.cycles.push(...cycles);
        continue;
      }
    }
    chains.push({ incidents: [incident], cycles });
  }
  return chains;
}

/** The most severe of the incidents' severities (sev1 is the most severe). */
function mostSevere(incidents: DerivedIncident[]): Severity | undefined {
  let best: number | undefined;
  for (const incident of incidents) {
    if (incident.severity) {
      const rank = SEVERITIES.indexOf(incident.severity);
      if (rank >= 0 && (best === undefined || rank < best)) {
        best = rank;
      }
    }
  }
  return best === undefined ? undefined : SEVERITIES[best];
}

function times(n: number): string {
  if (n === 1) {
    return 'once';
  }
  if (n === 2) {
    return 'twice';
  }
  return `${n} times`;
}

/**
 * The stages of recovery of a unit, from the cycle it starts with:
 * detect (impact to triggered, for an incident's first cycle only),
 * acknowledge (cycle start to first acknowledged), mitigate (acknowledged
 * to first mitigated) and resolve (mitigated to first resolved). A stage
 * whose ends are missing, or in the wrong order, is null.
 */
function stagesOf(first: ChainCycle) {
  const { cycle, incident } = first;
  const span = (from?: number, to?: number) =>
    from !== undefined && to !== undefined && to >= from ? to - from : null;
  return {
    detectMs: first.first
      ? span(incident.impactStartedAtMs, incident.triggeredMs)
      : null,
    acknowledgeMs: span(cycle.startMs, cycle.acknowledgedMs),
    mitigateMs: span(cycle.acknowledgedMs, cycle.mitigatedMs),
    resolveMs: span(cycle.mitigatedMs, cycle.resolvedMs),
  };
}

/**
 * Derives the recovery units of one entity under one definition, from all
 * of the entity's incidents that share one group key (see groupKeyOf).
 *
 * With `reopens: extend`, each chain is one unit from its start to the
 * recovery of its last cycle (open while that cycle is), reopened when it
 * has more than one cycle. With `separate`, every cycle is its own unit,
 * starting at its reopen (or the folded incident's start) and reopened
 * unless it is the chain's first.
 *
 * Filters then apply in order: severities and excludeLabels leave a unit
 * out entirely (`filtered`); among the rest, recovered units shorter than
 * minDuration are `excluded` (flapping alerts), counted apart.
 */
export function deriveUnits(
  definition: RecoveryDefinition,
  entityRef: string,
  incidents: DerivedIncident[],
): RecoveryUnit[] {
  if (incidents.length === 0) {
    return [];
  }
  const groupKey = groupKeyOf(definition, incidents[0]);
  const units: RecoveryUnit[] = [];
  for (const chain of buildChains(definition, incidents)) {
    const severity = mostSevere(chain.incidents);
    const labels = [...new Set(chain.incidents.flatMap(i => i.labels))];
    const keys = chain.incidents.map(incidentKeyOf);
    const folded = chain.incidents.length - 1;
    const spans: Array<{
      startMs: number;
      endMs: number | null;
      reopened: boolean;
      keys: string[];
      stagesFrom: ChainCycle;
      reasons: string[];
    }> = [];
    if (definition.reopens === 'extend') {
      const last = chain.cycles[chain.cycles.length - 1];
      const reopens = chain.cycles.length - 1;
      const reasons: string[] = [];
      if (reopens - folded > 0) {
        reasons.push(`reopened ${times(reopens - folded)}`);
      }
      if (folded > 0) {
        reasons.push(
          `${folded} recurrence${folded > 1 ? 's' : ''} folded in (${keys
            .slice(1)
            .join(', ')})`,
        );
      }
      spans.push({
        startMs: chain.cycles[0].startMs,
        endMs: last.recoveryMs ?? null,
        reopened: chain.cycles.length > 1,
        keys,
        stagesFrom: chain.cycles[0],
        reasons,
      });
    } else {
      chain.cycles.forEach((c, index) => {
        const reasons: string[] = [];
        if (index > 0) {
          reasons.push(
            c.first
              ? `recurrence of ${keys[0]}, counted as a reopen`
              : 'starts at a reopen',
          );
        }
        spans.push({
          startMs: c.startMs,
          endMs: c.recoveryMs ?? null,
          reopened: index > 0,
          keys: [incidentKeyOf(c.incident)],
          stagesFrom: c,
          reasons,
        });
      });
    }

    const excludedLabels = labels.filter(l =>
      definition.excludeLabels.includes(l),
    );
    const severityFiltered =
      definition.severities !== undefined &&
      (severity === undefined || !definition.severities.includes(severity));

    const leverIncidents = new Map(
      chain.incidents.map(incident => [
        incidentKeyOf(incident),
        leverIncidentOf(definition, incident),
      ]),
    );

    for (const span of spans) {
      const durationMs = span.endMs === null ? null : span.endMs - span.startMs;
      let outcome: RecoveryUnit['outcome'] = 'counted';
      const reasons = [...span.reasons];
      // Drills are measured as the definition measures, but without its
      // excludeLabels: severities and minDuration still apply.
      let outcomeWithoutLabels: RecoveryUnit['outcome'] = severityFiltered
        ? 'filtered'
        : 'counted';
      if (
        outcomeWithoutLabels === 'counted' &&
        durationMs !== null &&
        definition.minDurationMs !== undefined &&
        durationMs < definition.minDurationMs
      ) {
        outcomeWithoutLabels = 'excluded';
      }
      if (excludedLabels.length > 0) {
        outcome = 'filtered';
        reasons.push(...excludedLabels);
      }
      if (severityFiltered) {
        outcome = 'filtered';
        reasons.push(
          severity
            ? `severity ${severity} is not counted`
            : 'no severity: not counted under a severity filter',
        );
      }
      if (
        outcome === 'counted' &&
        durationMs !== null &&
        definition.minDurationMs !== undefined &&
        durationMs < definition.minDurationMs
      ) {
        outcome = 'excluded';
        reasons.push(
          `excluded: shorter than ${formatDuration(definition.minDurationMs)}`,
        );
      }
      if (span.endMs === null) {
        reasons.push('open');
      }
      units.push({
        definitionId: definition.id,
        entityRef,
        groupKey,
        startMs: span.startMs,
        endMs: span.endMs,
        durationMs,
        reopened: span.reopened,
        outcome,
        reasons,
        severity,
        incidentKeys: span.keys,
        ...stagesOf(span.stagesFrom),
        levers: {
          labels,
          outcomeWithoutLabels,
          incidents: span.keys.map(key => leverIncidents.get(key)!),
        },
      });
    }
  }
  return units;
}
