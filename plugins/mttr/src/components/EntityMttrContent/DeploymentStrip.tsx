import { Typography } from '@material-ui/core';
import { Deployment } from '@mttr-backstage/plugin-mttr-common';
import { DateTime } from 'luxon';
import {
  Legend,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

const STRIP_HEIGHT = 64;
/** The most change failures the strip's text summary names one by one. */
const NAMED_FAILURES = 10;

/** When a deployment sits on the time axis: when it went live, else when it was reported. */
export function deploymentTime(deployment: Deployment): number {
  return Date.parse(deployment.finishedAt ?? deployment.at);
}

function dayLabel(ms: number) {
  return DateTime.fromMillis(ms, { zone: 'utc' }).toFormat('d LLL');
}

type Point = { t: number; y: number; name: string };

/** A short vertical tick instead of a dot, so that close deployments stay apart. */
function tick(colour: string, height: number) {
  return (props: { cx?: number; cy?: number }) => (
    <line
      x1={props.cx}
      x2={props.cx}
      y1={(props.cy ?? 0) - height / 2}
      y2={(props.cy ?? 0) + height / 2}
      stroke={colour}
      strokeWidth={2}
    />
  );
}

/**
 * Every deployment of the window as a tick on the same time axis as the
 * weekly chart above it (same domain and the same axis width, so that the
 * two line up): change failures in the error colour, other live ones grey,
 * and those that never went live (or went to an environment that does not
 * count) faint.
 */
export function DeploymentStrip(props: {
  deployments: Deployment[];
  domain: [number, number];
  ticks: number[];
  caption: string;
  failureColour: string;
}) {
  const { deployments, domain, ticks, caption, failureColour } = props;
  const point = (d: Deployment): Point => ({
    t: deploymentTime(d),
    y: 0.5,
    name: d.version ?? d.commit?.slice(0, 7) ?? d.deploymentId,
  });
  const failures = deployments.filter(d => d.changeFailure);
  const live = deployments.filter(d => d.live && !d.changeFailure);
  const notLive = deployments.filter(d => !d.live);
  const named = failures
    .slice(0, NAMED_FAILURES)
    .map(d => `${point(d).name} on ${dayLabel(deploymentTime(d))}`);
  const more =
    failures.length > NAMED_FAILURES
      ? ` and ${failures.length - NAMED_FAILURES} more`
      : '';
  const summary = `Deployments on the time axis, ${caption}: ${
    live.length + failures.length
  } live, ${failures.length} of them change failures${
    failures.length > 0 ? ` (${named.join(', ')}${more})` : ''
  }${notLive.length > 0 ? `; ${notLive.length} not live` : ''}`;

  if (deployments.length === 0) {
    return (
      <Typography
        variant="caption"
        color="textSecondary"
        component="p"
        data-testid="mttr-deployment-strip"
      >
        No deployments in this window.
      </Typography>
    );
  }
  return (
    <div role="img" aria-label={summary} data-testid="mttr-deployment-strip">
      <ResponsiveContainer width="100%" height={STRIP_HEIGHT}>
        <ScatterChart margin={{ top: 0, right: 5, bottom: 0, left: 5 }}>
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={domain}
            ticks={ticks}
            tick={false}
            height={4}
          />
          <YAxis
            dataKey="y"
            type="number"
            domain={[0, 1]}
            width={70}
            tick={false}
            axisLine={false}
            tickLine={false}
          />
          <Tooltip
            cursor={false}
            formatter={(_, __, item) =>
              (item?.payload as Point | undefined)?.name ?? ''
            }
            labelFormatter={() => ''}
          />
          <Legend height={18} iconSize={8} />
          <Scatter
            name="deployment"
            data={live.map(point)}
            fill="#757575"
            shape={tick('#757575', 14)}
            isAnimationActive={false}
          />
          <Scatter
            name="change failure"
            data={failures.map(point)}
            fill={failureColour}
            shape={tick(failureColour, 22)}
            isAnimationActive={false}
          />
          {notLive.length > 0 && (
            <Scatter
              name="not live"
              data={notLive.map(point)}
              fill="#bdbdbd"
              shape={tick('#bdbdbd', 8)}
              isAnimationActive={false}
            />
          )}
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
