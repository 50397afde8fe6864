import { Typography } from '@material-ui/core';
import { formatDuration } from '@mttr-backstage/plugin-mttr-common';
import {
  CartesianGrid,
  ErrorBar,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from 'recharts';
import { formatFrequency } from '../shared/timeWindow';
import { describeInterval } from '../shared/uncertainty';
import { ComparisonRow, fleetPositionOf } from './comparisonRows';

/** Beyond this many dots the chart shows the services with the most incidents. */
export const MAX_SCATTER_POINTS = 2000;

/** One dot of the scatter. */
export interface ScatterPoint {
  name: string;
  frequency: number;
  medianMs: number;
  count: number;
  /** For the tooltip: the interval, or that it is not bounded yet. */
  interval: string;
  /**
   * The whisker, as recharts' ErrorBar reads it: how far below and above
   * the median the 95% interval reaches. Absent for an unbounded interval.
   */
  medianError?: [number, number];
}

/** The dots in groups, one series each: marked against the fleet median, or not. */
export interface ScatterSeries {
  slower: ScatterPoint[];
  faster: ScatterPoint[];
  /** Bounded intervals that contain the fleet median. */
  unmarked: ScatterPoint[];
  /** Too few recoveries to bound the interval: no whisker, never marked. */
  unbounded: ScatterPoint[];
}

/**
 * Sorts the rows with a median into the scatter's series. A dot is coloured
 * slower or faster only when its interval excludes the fleet median, as in
 * the table; every bounded dot carries its whisker.
 */
export function scatterSeriesOf(
  rows: ComparisonRow[],
  fleetMedianMs: number | null,
): ScatterSeries {
  const series: ScatterSeries = {
    slower: [],
    faster: [],
    unmarked: [],
    unbounded: [],
  };
  for (const r of rows) {
    if (r.medianMs === null) {
      continue;
    }
    const point: ScatterPoint = {
      name: r.name,
      frequency: r.frequencyPer30d,
      medianMs: r.medianMs,
      count: r.count,
      interval: describeInterval(r.medianCi, r.recovered),
    };
    if (!r.medianCi) {
      series.unbounded.push(point);
      continue;
    }
    point.medianError = [
      r.medianMs - r.medianCi.lowMs,
      r.medianCi.highMs - r.medianMs,
    ];
    series[fleetPositionOf(r.medianCi, fleetMedianMs) ?? 'unmarked'].push(
      point,
    );
  }
  return series;
}

function PointTooltip(props: {
  active?: boolean;
  payload?: Array<{ payload: ScatterPoint }>;
}) {
  const point = props.active ? props.payload?.[0]?.payload : undefined;
  if (!point) {
    return null;
  }
  return (
    <div
      style={{
        background: '#fff',
        border: '1px solid #ccc',
        padding: 8,
        color: '#000',
      }}
    >
      <strong>{point.name}</strong>
      <div>Median MTTR {formatDuration(point.medianMs)}</div>
      <div>{point.interval}</div>
      <div>
        {formatFrequency(point.frequency)} incidents per 30 days ({point.count}{' '}
        in total)
      </div>
    </div>
  );
}

const SERIES: Array<{
  key: keyof ScatterSeries;
  name: string;
  fill: string;
  whiskers: boolean;
}> = [
  {
    key: 'slower',
    name: 'Slower than the fleet median',
    fill: '#d32f2f',
    whiskers: true,
  },
  {
    key: 'faster',
    name: 'Faster than the fleet median',
    fill: '#388e3c',
    whiskers: true,
  },
  {
    key: 'unmarked',
    name: 'Interval contains the fleet median',
    fill: '#1976d2',
    whiskers: true,
  },
  {
    key: 'unbounded',
    name: 'Interval not bounded yet',
    fill: '#9e9e9e',
    whiskers: false,
  },
];

/**
 * Frequency against median MTTR, one dot per row: top right fails often and
 * recovers slowly; top left fails rarely but recovers slowly; and so on.
 * Each median has its 95% interval as a whisker, and the fleet median is a
 * dashed line.
 */
export function FrequencyScatter(props: {
  rows: ComparisonRow[];
  caption: string;
  fleetMedianMs: number | null;
}) {
  const { fleetMedianMs } = props;
  const withMedian = props.rows.filter(r => r.medianMs !== null);
  const shown =
    withMedian.length > MAX_SCATTER_POINTS
      ? [...withMedian]
          .sort((a, b) => b.count - a.count)
          .slice(0, MAX_SCATTER_POINTS)
      : withMedian;
  const series = scatterSeriesOf(shown, fleetMedianMs);
  if (shown.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No recovered incidents to plot.
      </Typography>
    );
  }
  return (
    <div
      role="img"
      // Sized by the card, not by the chart: a chart once drawn wide would
      // otherwise keep the page wide after the window narrows.
      style={{ contain: 'inline-size' }}
      aria-label={`Incidents per 30 days against median MTTR, ${props.caption}, ${shown.length} services`}
    >
      {shown.length < withMedian.length && (
        <Typography variant="caption" component="p">
          Showing the {shown.length} services with the most incidents of{' '}
          {withMedian.length}.
        </Typography>
      )}
      <ResponsiveContainer
        width="100%"
        height={320}
        // Drawn at this size until the container has been measured.
        initialDimension={{ width: 800, height: 320 }}
      >
        <ScatterChart margin={{ top: 10, right: 20, bottom: 30, left: 10 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="frequency"
            name="Incidents per 30 days"
            label={{ value: 'Incidents per 30 days', position: 'bottom' }}
          />
          <YAxis
            type="number"
            dataKey="medianMs"
            name="Median MTTR"
            tickFormatter={v => formatDuration(Number(v))}
            width={90}
            label={{ value: 'Median MTTR', angle: -90, position: 'insideLeft' }}
          />
          <ZAxis range={[50, 50]} />
          <Tooltip content={<PointTooltip />} />
          <Legend verticalAlign="top" height={28} />
          {fleetMedianMs !== null && (
            <ReferenceLine
              y={fleetMedianMs}
              stroke="#757575"
              strokeDasharray="4 4"
              label={{
                value: `fleet median ${formatDuration(fleetMedianMs)}`,
                position: 'insideTopRight',
                fontSize: 12,
              }}
            />
          )}
          {SERIES.filter(s => series[s.key].length > 0).map(s => (
            <Scatter
              key={s.key}
              name={s.name}
              data={series[s.key]}
              fill={s.fill}
              isAnimationActive={false}
            >
              {s.whiskers && (
                <ErrorBar
                  dataKey="medianError"
                  direction="y"
                  width={4}
                  stroke={s.fill}
                  strokeWidth={1}
                  isAnimationActive={false}
                />
              )}
            </Scatter>
          ))}
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
