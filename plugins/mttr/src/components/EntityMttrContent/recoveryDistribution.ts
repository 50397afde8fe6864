import { Incident } from '@mttr-backstage/plugin-mttr-common';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Bins of the recovery-time histogram: short ones fine-grained, long ones coarse. */
export const DISTRIBUTION_BINS: Array<{ label: string; upToMs: number }> = [
  { label: '< 5m', upToMs: 5 * MINUTE },
  { label: '5–15m', upToMs: 15 * MINUTE },
  { label: '15m–1h', upToMs: HOUR },
  { label: '1–4h', upToMs: 4 * HOUR },
  { label: '4h–1d', upToMs: DAY },
  { label: '1–7d', upToMs: 7 * DAY },
  { label: '≥ 7d', upToMs: Infinity },
];

/** How one incident counted under one definition, in a form for tables. */
export interface IncidentCountSummary {
  outcome: 'counted' | 'excluded' | 'filtered' | 'folded' | 'unknown';
  /** Recovered time summed over the incident's units; undefined while a unit is open. */
  durationMs: number | undefined;
  open: boolean;
  reasons: string[];
}

/** What `counts` says about the incident under `definition`. */
export function countUnder(
  incident: Incident,
  definition: string,
): IncidentCountSummary {
  const count = incident.counts.find(c => c.definition === definition);
  if (!count) {
    return {
      outcome: 'unknown',
      durationMs: undefined,
      open: false,
      reasons: [],
    };
  }
  const open = count.units.some(u => u.endAt === null);
  const durationMs =
    open || count.units.length === 0
      ? undefined
      : count.units.reduce((sum, u) => sum + (u.durationMs ?? 0), 0);
  return { outcome: count.outcome, durationMs, open, reasons: count.reasons };
}

/** One sentence: how long it counted and why. */
export function countSentence(summary: IncidentCountSummary, duration: string) {
  // "open" is already said by "still open"; the other reasons explain.
  const reasons = summary.open
    ? summary.reasons.filter(r => r !== 'open')
    : summary.reasons;
  const why = reasons.length ? ` (${reasons.join(', ')})` : '';
  switch (summary.outcome) {
    case 'counted':
      return summary.open
        ? `Counted, still open${why}`
        : `Counted ${duration}${why}`;
    case 'excluded':
      return `Excluded${why}`;
    case 'filtered':
      return `Not counted${why}`;
    case 'folded':
      return `Folded into an earlier incident${why}`;
    default:
      return 'Not derived under this definition yet';
  }
}

/**
 * The histogram of recovery times of the units counted under `definition`
 * (each recovered unit once; open units have no recovery time yet).
 */
export function recoveryDistribution(
  incidents: Incident[],
  definition: string,
): Array<{ bin: string; units: number }> {
  const bins = DISTRIBUTION_BINS.map(b => ({ bin: b.label, units: 0 }));
  for (const incident of incidents) {
    const count = incident.counts.find(c => c.definition === definition);
    if (!count || count.outcome !== 'counted') {
      continue;
    }
    for (const unit of count.units) {
      if (unit.durationMs === null) {
        continue;
      }
      const index = DISTRIBUTION_BINS.findIndex(
        b => unit.durationMs! < b.upToMs,
      );
      bins[index].units += 1;
    }
  }
  return bins;
}
