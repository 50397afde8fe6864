import {
  IncidentCount,
  RecoveryDefinition,
} from '@mttr-backstage/plugin-mttr-common';
import { RecoveryUnit } from './types';

/**
 * What a definition counts for one incident, from the units it takes part
 * in: the units themselves, whether they count, and why.
 */
export function incidentCountFor(
  definition: RecoveryDefinition,
  incidentKey: string,
  unitsContainingIt: RecoveryUnit[],
): IncidentCount {
  const units = [...unitsContainingIt].sort((a, b) => a.startMs - b.startMs);
  const toUnit = (u: RecoveryUnit) => ({
    startAt: new Date(u.startMs).toISOString(),
    endAt: u.endMs === null ? null : new Date(u.endMs).toISOString(),
    durationMs: u.durationMs,
    reopened: u.reopened,
  });
  if (units.length === 0) {
    return {
      definition: definition.id,
      outcome: 'filtered',
      units: [],
      reasons: ['not mapped to a catalog entity'],
    };
  }
  const head = units[0].incidentKeys[0];
  if (definition.reopens === 'extend' && head !== incidentKey) {
    return {
      definition: definition.id,
      outcome: 'folded',
      units: units.map(toUnit),
      reasons: [`recurrence folded into ${head}`],
    };
  }
  let outcome: IncidentCount['outcome'] = 'filtered';
  if (units.some(u => u.outcome === 'counted')) {
    outcome = 'counted';
  } else if (units.some(u => u.outcome === 'excluded')) {
    outcome = 'excluded';
  }
  return {
    definition: definition.id,
    outcome,
    units: units.map(toUnit),
    reasons: [...new Set(units.flatMap(u => u.reasons))],
  };
}
