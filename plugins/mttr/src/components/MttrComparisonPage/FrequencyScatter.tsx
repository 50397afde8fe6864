import { Typography } from '@material-ui/core';
import { formatDuration } from '@mttr-backstage/plugin-mttr-common';
import {
  CartesianGrid,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from 'recharts';
import { formatFrequency } from '../shared/timeWindow';
import { ComparisonRow } from './comparisonRows';

/** Beyond this many dots the chart shows the services with the most incidents. */
export const MAX_SCATTER_POINTS = 2000;

interface Point {
  name: string;
  frequency: number;
  medianMs: number;
  count: number;
}

function PointTooltip(props: {
  active?: boolean;
  payload?: Array<{ payload: Point }>;
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
      <div>
        {formatFrequency(point.frequency)} incidents per 30 days ({point.count}{' '}
        in total)
      </div>
    </div>
  );
}

/**
 * Frequency against median MTTR, one dot per row: top right fails often and
 * recovers slowly; top left fails rarely but recovers slowly; and so on.
 */
export function FrequencyScatter(props: {
  rows: ComparisonRow[];
  caption: string;
}) {
  const withMedian = props.rows.filter(r => r.medianMs !== null);
  const shown =
    withMedian.length > MAX_SCATTER_POINTS
      ? [...withMedian]
          .sort((a, b) => b.count - a.count)
          .slice(0, MAX_SCATTER_POINTS)
      : withMedian;
  const points: Point[] = shown.map(r => ({
    name: r.name,
    frequency: r.frequencyPer30d,
    medianMs: r.medianMs!,
    count: r.count,
  }));
  if (points.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No recovered incidents to plot.
      </Typography>
    );
  }
  return (
    <div
      role="img"
      aria-label={`Incidents per 30 days against median MTTR, ${props.caption}, ${points.length} services`}
    >
      {shown.length < withMedian.length && (
        <Typography variant="caption" component="p">
          Showing the {shown.length} services with the most incidents of{' '}
          {withMedian.length}.
        </Typography>
      )}
      <ResponsiveContainer width="100%" height={320}>
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
          <Scatter
            name="Services"
            data={points}
            fill="#1976d2"
            isAnimationActive={false}
          />
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
