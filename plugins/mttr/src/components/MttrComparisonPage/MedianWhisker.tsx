import {
  QuantileInterval,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';

/** The durations a whisker scale spans, in milliseconds. */
export interface WhiskerScale {
  minMs: number;
  maxMs: number;
}

/**
 * Durations below a second are drawn at a second: the scale is logarithmic
 * and a zero would have no place on it.
 */
const FLOOR_MS = 1000;

const WIDTH = 64;
const HEIGHT = 12;
/** Room at either end so the end caps are not cut off. */
const PAD = 2;

/**
 * One scale for the whiskers of the rows on a table page, so that they can
 * be compared by eye: from the shortest lower bound (or median) to the
 * longest upper bound (or median) among them, the fleet median included.
 * Logarithmic, because recovery times are heavy-tailed: on a linear scale
 * one slow service would squash every other whisker into a dot. Undefined
 * when no row has a bounded interval.
 */
export function whiskerScaleOf(
  rows: Array<{ medianMs: number | null; medianCi: QuantileInterval | null }>,
  fleetMedianMs: number | null,
): WhiskerScale | undefined {
  const bounded = rows.filter(r => r.medianCi && r.medianMs !== null);
  if (bounded.length === 0) {
    return undefined;
  }
  const values = bounded.flatMap(r => [
    r.medianCi!.lowMs,
    r.medianCi!.highMs,
    r.medianMs!,
  ]);
  if (fleetMedianMs !== null) {
    values.push(fleetMedianMs);
  }
  return {
    minMs: Math.max(FLOOR_MS, Math.min(...values)),
    maxMs: Math.max(FLOOR_MS, Math.max(...values)),
  };
}

function xOf(ms: number, scale: WhiskerScale): number {
  const low = Math.log(scale.minMs);
  const high = Math.log(scale.maxMs);
  const share =
    high === low
      ? 0.5
      : (Math.log(Math.max(FLOOR_MS, ms)) - low) / (high - low);
  return PAD + share * (WIDTH - 2 * PAD);
}

/**
 * A small inline whisker: a bar from the interval's low to its high, a tick
 * at the median and, when given, a dashed line at the fleet median. The
 * numbers are in its label for those who cannot see it.
 */
export function MedianWhisker(props: {
  medianMs: number;
  ci: QuantileInterval;
  scale: WhiskerScale;
  fleetMedianMs: number | null;
}) {
  const { medianMs, ci, scale, fleetMedianMs } = props;
  const low = xOf(ci.lowMs, scale);
  const high = xOf(ci.highMs, scale);
  const median = xOf(medianMs, scale);
  const mid = HEIGHT / 2;
  const label = `Median ${formatDuration(medianMs)}, 95% interval ${formatDuration(
    ci.lowMs,
  )} to ${formatDuration(ci.highMs)}${
    fleetMedianMs === null
      ? ''
      : `; fleet median ${formatDuration(fleetMedianMs)}`
  }`;
  return (
    <svg
      role="img"
      aria-label={label}
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      style={{ verticalAlign: 'middle', marginRight: 4 }}
    >
      {fleetMedianMs !== null && (
        <line
          data-part="fleet"
          x1={xOf(fleetMedianMs, scale)}
          x2={xOf(fleetMedianMs, scale)}
          y1={0}
          y2={HEIGHT}
          stroke="#9e9e9e"
          strokeDasharray="2 2"
        />
      )}
      <line
        data-part="interval"
        x1={low}
        x2={high}
        y1={mid}
        y2={mid}
        stroke="#1976d2"
        strokeWidth={2}
      />
      <line x1={low} x2={low} y1={mid - 3} y2={mid + 3} stroke="#1976d2" />
      <line x1={high} x2={high} y1={mid - 3} y2={mid + 3} stroke="#1976d2" />
      <line
        data-part="median"
        x1={median}
        x2={median}
        y1={1}
        y2={HEIGHT - 1}
        stroke="#0d47a1"
        strokeWidth={2}
      />
    </svg>
  );
}
