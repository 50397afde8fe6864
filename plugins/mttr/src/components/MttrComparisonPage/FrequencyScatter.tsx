import { createContext, memo, useContext, useMemo } from 'react';
import { Typography } from '@material-ui/core';
import {
  ComparisonPoint,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';
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
  useXAxisScale,
  useYAxisScale,
} from 'recharts';
import { formatFrequency } from '../shared/timeWindow';
import { describeInterval } from '../shared/uncertainty';
import { ComparisonRow, fleetPositionOf } from './comparisonRows';

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
 * Sorts the rows with a median (the table's page) into the scatter's series. A dot is coloured
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

const OTHERS_FILL = '#bdbdbd';

/**
 * Every service that passes the filters, as one SVG path of round dots
 * (a zero-length stroke per point): 10,000 points are one element to lay
 * out and paint, not 10,000, and the path is drawn again only when the
 * points or the axes change, not when the table turns a page.
 */
function OtherDots(props: { points: ComparisonPoint[] }) {
  const x = useXAxisScale();
  const y = useYAxisScale();
  const { points } = props;
  const d = useMemo(() => {
    if (!x || !y) {
      return '';
    }
    const parts: string[] = [];
    for (const p of points) {
      if (p.medianMs === null) {
        continue;
      }
      const px = x(p.frequencyPer30d);
      const py = y(p.medianMs);
      if (px === undefined || py === undefined) {
        continue;
      }
      parts.push(`M${px.toFixed(1)},${py.toFixed(1)}h0`);
    }
    return parts.join('');
  }, [points, x, y]);
  return d ? (
    <path
      data-testid="mttr-scatter-others"
      d={d}
      stroke={OTHERS_FILL}
      strokeWidth={5}
      strokeLinecap="round"
      fill="none"
      pointerEvents="none"
    />
  ) : null;
}

/** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value`. */
function niceCeil(value: number): number {
  if (value <= 0) {
    return 1;
  }
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find(m => m * power >= value) ?? 10;
  return step * power;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The axes' ends: from zero to a round value above the largest of any
 * point; the median axis in steps of whole minutes or hours (about four of
 * them), so that its ticks read "2h", "4h", not "5h 33m".
 */
function extentOf(points: ComparisonPoint[]) {
  let frequency = 0;
  let medianMs = 0;
  for (const p of points) {
    if (p.medianMs === null) {
      continue;
    }
    frequency = Math.max(frequency, p.frequencyPer30d);
    medianMs = Math.max(medianMs, p.medianMs);
  }
  const unit = medianMs > 2 * HOUR_MS ? HOUR_MS : MINUTE_MS;
  const step = niceCeil(medianMs / unit / 4) * unit;
  const steps = Math.max(1, Math.ceil(medianMs / step));
  return {
    frequency: niceCeil(frequency),
    medianMs: steps * step,
    medianTicks: Array.from({ length: steps + 1 }, (_, i) => i * step),
  };
}

/** The table's page and the fleet median, for the series drawn in colour. */
const PageRowsContext = createContext<{
  rows: ComparisonRow[];
  fleetMedianMs: number | null;
}>({ rows: [], fleetMedianMs: null });

/**
 * The table's page in colour, one series per mark. Reads its rows from
 * context, so that a new page re-renders these series and not the chart
 * around them (axes, grid, the 10,000 other dots).
 */
function PageSeries() {
  const { rows, fleetMedianMs } = useContext(PageRowsContext);
  const series = useMemo(
    () => scatterSeriesOf(rows, fleetMedianMs),
    [rows, fleetMedianMs],
  );
  return (
    <>
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
    </>
  );
}

/**
 * The chart without the table's page: drawn again only when the points,
 * the fleet median or the caption change. Its axes span the points (not
 * the page's whiskers), so that a new page does not move them.
 */
const ScatterBody = memo(function ScatterChartBody(props: {
  points: ComparisonPoint[];
  fleetMedianMs: number | null;
}) {
  const { points, fleetMedianMs } = props;
  const extent = useMemo(() => extentOf(points), [points]);
  return (
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
          domain={[0, extent.frequency]}
          allowDataOverflow
          label={{ value: 'Incidents per 30 days', position: 'bottom' }}
        />
        <YAxis
          type="number"
          dataKey="medianMs"
          name="Median MTTR"
          domain={[0, extent.medianMs]}
          ticks={extent.medianTicks}
          allowDataOverflow
          tickFormatter={v => formatDuration(Number(v))}
          width={90}
          label={{ value: 'Median MTTR', angle: -90, position: 'insideLeft' }}
        />
        <ZAxis range={[50, 50]} />
        <OtherDots points={points} />
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
        <PageSeries />
      </ScatterChart>
    </ResponsiveContainer>
  );
});

/**
 * Frequency against median MTTR, one dot per service that passes the
 * filters: top right fails often and recovers slowly; top left fails
 * rarely but recovers slowly; and so on. The services on the table's page
 * are drawn in colour with their medians' 95% intervals as whiskers, marked
 * against the fleet median as in the table; every other one as a grey dot.
 * The fleet median is a dashed line.
 */
export function FrequencyScatter(props: {
  /** Every row that passes the filters, in the backend's compact form. */
  points: ComparisonPoint[];
  /** The rows on the table's page, drawn with their intervals. */
  rows: ComparisonRow[];
  caption: string;
  fleetMedianMs: number | null;
}) {
  const { points, rows, fleetMedianMs } = props;
  const plotted = useMemo(
    () => points.filter(p => p.medianMs !== null).length,
    [points],
  );
  const page = useMemo(() => ({ rows, fleetMedianMs }), [rows, fleetMedianMs]);
  if (plotted === 0) {
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
      aria-label={`Incidents per 30 days against median MTTR, ${props.caption}, ${plotted} services`}
    >
      <PageRowsContext.Provider value={page}>
        <ScatterBody points={points} fleetMedianMs={fleetMedianMs} />
      </PageRowsContext.Provider>
      <Typography variant="caption" component="p" color="textSecondary">
        In colour, with its 95% interval: each service on this page of the
        table. In grey: the other services that pass the filters ({plotted} with
        a median in all).
      </Typography>
    </div>
  );
}
