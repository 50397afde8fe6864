import { Grid, Typography } from '@material-ui/core';
import { InfoCard } from '@backstage/core-components';
import { useTheme } from '@material-ui/core/styles';
import {
  Deployment,
  Incident,
  MetricsSeriesBucket,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';
import { DateTime } from 'luxon';
import {
  Area,
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { DeploymentStrip, deploymentTime } from './DeploymentStrip';
import { recoveryDistribution } from './recoveryDistribution';

const CHART_HEIGHT = 240;

function weekLabel(iso: string) {
  return DateTime.fromISO(iso, { zone: 'utc' }).toFormat('d LLL');
}

/** "; 1 change failure marked as a line", "; 3 … marked as lines", or nothing. */
function marked(n: number, one: string, many: string) {
  if (n === 0) {
    return '';
  }
  return n === 1
    ? `; 1 ${one} marked as a line`
    : `; ${n} ${many} marked as lines`;
}

function dayLabel(ms: number) {
  return DateTime.fromMillis(ms, { zone: 'utc' }).toFormat('d LLL');
}

/**
 * The three charts of the Recovery tab. Each chart carries a text summary
 * (aria-label) so that the figures are there for people who cannot see it.
 */
export function RecoveryCharts(props: {
  series: MetricsSeriesBucket[];
  incidents: Incident[];
  definition: string;
  caption: string;
  /**
   * The window's deployments, drawn on the time axis; undefined while they
   * are read or when they cannot be.
   */
  deployments?: Deployment[];
  /** Why the deployments are missing or incomplete, when they are. */
  deploymentsNote?: string;
}) {
  const { series, incidents, definition, caption } = props;
  const theme = useTheme();
  const failureColour = theme.palette.error.main;
  // The weekly chart has a time axis, so that deployments sit at their
  // instant; each week's figures are drawn at the middle of the week.
  const domain: [number, number] =
    series.length > 0
      ? [Date.parse(series[0].from), Date.parse(series[series.length - 1].to)]
      : [0, 1];
  const inDomain = (props.deployments ?? []).filter(d => {
    const t = deploymentTime(d);
    return t >= domain[0] && t < domain[1];
  });
  const changeFailures = inDomain.filter(d => d.changeFailure);
  const weeksWithFailures = series.filter(
    s => s.deployments.changeFailures > 0,
  );
  // A week's median is drawn as a point, with its 95% interval as a band,
  // only where the week has enough recoveries to bound it; the other weeks'
  // medians are only a dotted line through them, not points to read.
  const weekly = series.map(s => ({
    week: weekLabel(s.from),
    t: (Date.parse(s.from) + Date.parse(s.to)) / 2,
    median: s.medianCi ? s.medianMs : null,
    medianUnbounded: s.medianMs,
    interval: s.medianCi ? [s.medianCi.lowMs, s.medianCi.highMs] : null,
    p90: s.p90Ms,
    incidents: s.count,
  }));
  const distribution = recoveryDistribution(incidents, definition);
  const weeksWithRecoveries = series.filter(s => s.medianMs !== null).length;
  const weeksBounded = series.filter(s => s.medianCi !== null).length;
  const totalIncidents = series.reduce((sum, s) => sum + s.count, 0);
  const recoveredUnits = distribution.reduce((sum, b) => sum + b.units, 0);

  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={6}>
        <InfoCard
          title="MTTR per week"
          subheader={`median and p90 · ${caption}`}
        >
          <div
            role="img"
            aria-label={`MTTR per week, median with its 95% interval and p90, ${caption}: ${weeksWithRecoveries} weeks with recoveries, ${weeksBounded} of them with enough recoveries to bound the median${marked(
              changeFailures.length,
              'change failure',
              'change failures',
            )}`}
          >
            <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
              <ComposedChart data={weekly}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={domain}
                  ticks={series.map(s => Date.parse(s.from))}
                  tickFormatter={v => dayLabel(Number(v))}
                />
                <YAxis
                  tickFormatter={v => formatDuration(Number(v))}
                  width={70}
                />
                <Tooltip
                  labelFormatter={(_, payload) =>
                    payload?.[0]?.payload?.week
                      ? `week of ${payload[0].payload.week}`
                      : ''
                  }
                  formatter={v =>
                    Array.isArray(v)
                      ? `${formatDuration(Number(v[0]))}–${formatDuration(
                          Number(v[1]),
                        )}`
                      : formatDuration(Number(v))
                  }
                />
                <Legend />
                <Area
                  name="median, 95% interval"
                  dataKey="interval"
                  stroke="none"
                  fill="#1976d2"
                  fillOpacity={0.15}
                  connectNulls={false}
                  isAnimationActive={false}
                />
                <Line
                  name="median (too few recoveries to bound)"
                  type="monotone"
                  dataKey="medianUnbounded"
                  stroke="#1976d2"
                  strokeDasharray="2 4"
                  strokeWidth={1}
                  dot={false}
                  activeDot={false}
                  connectNulls
                  isAnimationActive={false}
                />
                <Line
                  name="median"
                  type="monotone"
                  dataKey="median"
                  stroke="#1976d2"
                  strokeWidth={2}
                  connectNulls={false}
                  isAnimationActive={false}
                />
                <Line
                  name="p90"
                  type="monotone"
                  dataKey="p90"
                  stroke="#e65100"
                  strokeDasharray="6 3"
                  strokeWidth={2}
                  dot={false}
                  connectNulls
                  isAnimationActive={false}
                />
                {/* Only change failures get a line: with dozens of
                    deployments a line each would hide the medians. All of
                    them are ticks in the strip below. */}
                {changeFailures.map(d => (
                  <ReferenceLine
                    key={`${d.source}/${d.deploymentId}`}
                    x={deploymentTime(d)}
                    stroke={failureColour}
                    strokeDasharray="4 2"
                    ifOverflow="hidden"
                  />
                ))}
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          {props.deployments && (
            <DeploymentStrip
              deployments={inDomain}
              domain={domain}
              ticks={series.map(s => Date.parse(s.from))}
              caption={caption}
              failureColour={failureColour}
            />
          )}
          {props.deploymentsNote && (
            <Typography variant="caption" color="textSecondary" role="note">
              {props.deploymentsNote}
            </Typography>
          )}
          {weeksWithRecoveries > 0 && weeksBounded < weeksWithRecoveries && (
            <Typography variant="caption" color="textSecondary" role="note">
              {weeksBounded === 0
                ? 'No week has the 6 recoveries needed to bound its median'
                : `${weeksWithRecoveries - weeksBounded} of ${weeksWithRecoveries} weeks have fewer than the 6 recoveries needed to bound their median`}
              : those medians are drawn dotted, as a hint, not as points to
              read.
            </Typography>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Incidents per week" subheader={caption}>
          <div
            role="img"
            aria-label={`Incidents per week, ${caption}: ${totalIncidents} in total${marked(
              weeksWithFailures.length,
              'week with change failures',
              'weeks with change failures',
            )}`}
          >
            <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
              <BarChart data={weekly}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="week" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar
                  name="incidents"
                  dataKey="incidents"
                  fill="#5c6bc0"
                  isAnimationActive={false}
                />
                {weeksWithFailures.map(s => (
                  <ReferenceLine
                    key={s.from}
                    x={weekLabel(s.from)}
                    stroke={failureColour}
                    strokeDasharray="4 2"
                  />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          {weeksWithFailures.length > 0 && (
            <Typography variant="caption" color="textSecondary" role="note">
              Dashed lines in the error colour: weeks with change failures (
              {weeksWithFailures
                .map(
                  s => `${weekLabel(s.from)}: ${s.deployments.changeFailures}`,
                )
                .join(', ')}
              ).
            </Typography>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Distribution of recovery times"
          subheader={`recovered units · ${caption}`}
        >
          <div
            role="img"
            aria-label={`Distribution of recovery times, ${caption}: ${distribution
              .map(b => `${b.bin}: ${b.units}`)
              .join(', ')}`}
          >
            {recoveredUnits === 0 ? (
              <Typography variant="body2" color="textSecondary">
                No recovered incidents in this window under this definition.
              </Typography>
            ) : (
              <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
                <BarChart data={distribution}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="bin" />
                  <YAxis allowDecimals={false} />
                  <Tooltip />
                  <Bar
                    name="recovered units"
                    dataKey="units"
                    fill="#26a69a"
                    isAnimationActive={false}
                  />
                </BarChart>
              </ResponsiveContainer>
            )}
          </div>
        </InfoCard>
      </Grid>
    </Grid>
  );
}
