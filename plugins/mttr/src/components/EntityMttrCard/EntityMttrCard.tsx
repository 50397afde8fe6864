/*
 * The Recovery (MTTR) card. A little over 400 lines: the card's sections
 * (figures with their intervals and change, stages, open incidents with
 * their actions, runbooks, on call) are small components of one screen that
 * share the card's one metrics request and its wording; each is a function
 * here rather than a file of its own. The change failure and levers lines
 * come from ../shared (ChangeFailureLine, LeversLine), fed by the same
 * request.
 */
import { useState } from 'react';
import { Box, Divider, Grid, Typography } from '@material-ui/core';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  Incident,
  MTTR_ALERT_MATCHERS_ANNOTATION,
  MTTR_INCIDENT_KEYS_ANNOTATION,
  PAGERDUTY_SERVICE_ID_ANNOTATION,
  RecoveryDefinition,
  RecoveryMetrics,
  formatDuration,
  hasIncidentSourceAnnotation,
} from '@mttr-backstage/plugin-mttr-common';
import useAsync from 'react-use/lib/useAsync';
import { Line, LineChart, YAxis } from 'recharts';
import { mttrApiRef } from '../../api';
import { accessIncidentActions } from '../AccessIncidentActions';
import { IncidentAction, IncidentRowActions } from '../IncidentActions';
import { LeversLine } from '../shared/LeversLine';
import { DefinitionSelect } from '../shared/Selectors';
import { ChangeFailureLine } from '../shared/ChangeFailureLine';
import { DoraBandChip } from '../shared/DoraBandChip';
import { doraPlacementOf, readDoraThresholds } from '../shared/doraBand';
import { describeChange, describeInterval } from '../shared/uncertainty';
import { OnCallList } from '../shared/OnCallList';
import { RunbookList } from '../shared/RunbookList';
import { SafeLink } from '../shared/SafeLink';
import { SeverityChip } from '../shared/IncidentBadges';
import { SeverityMix } from '../shared/SeverityMix';
import { StageBar } from '../shared/StageBar';
import { runbooksOf } from '../shared/runbooks';
import {
  LOW_SAMPLE_SIZE,
  formatFrequency,
  lastDays,
  windowLabel,
} from '../shared/timeWindow';
import { useDefinitions } from '../shared/useDefinitions';

/** The card always looks at the last 90 days, against the 90 before. */
const CARD_WINDOW_DAYS = 90;

/**
 * Props of {@link EntityMttrCard}.
 *
 * @public
 */
export interface EntityMttrCardProps {
  /**
   * What each open incident's row offers besides its links. Default
   * `[accessIncidentActions]` (just-in-time access); `[]` for none.
   */
  incidentActions?: IncidentAction[];
}

/** The annotations any of which maps an entity to its incidents. */
const MAPPING_ANNOTATIONS = [
  PAGERDUTY_SERVICE_ID_ANNOTATION,
  MTTR_ALERT_MATCHERS_ANNOTATION,
  MTTR_INCIDENT_KEYS_ANNOTATION,
];

export function EntityMttrCard(props: EntityMttrCardProps) {
  const { entity } = useEntity();
  const definitions = useDefinitions();
  if (definitions.loading) {
    return (
      <InfoCard title="Recovery (MTTR)">
        <Progress />
      </InfoCard>
    );
  }
  if (definitions.error || !definitions.value) {
    return (
      <InfoCard title="Recovery (MTTR)">
        <ResponseErrorPanel
          error={definitions.error ?? new Error('No definitions')}
        />
      </InfoCard>
    );
  }
  return (
    <CardBody
      entity={entity}
      definitions={definitions.value.items}
      defaultDefinition={definitions.value.defaultDefinition}
      incidentActions={props.incidentActions ?? [accessIncidentActions]}
    />
  );
}

function CardBody(props: {
  entity: Entity;
  definitions: RecoveryDefinition[];
  defaultDefinition: string;
  incidentActions: IncidentAction[];
}) {
  const { entity, definitions, incidentActions } = props;
  const api = useApi(mttrApiRef);
  const configApi = useApi(configApiRef);
  const thresholds = readDoraThresholds(configApi);
  const entityRef = stringifyEntityRef(entity);
  const [now] = useState(() => new Date());
  const [definitionId, setDefinitionId] = useState(props.defaultDefinition);
  const definition =
    definitions.find(d => d.id === definitionId) ?? definitions[0];

  const data = useAsync(async () => {
    const window = lastDays(CARD_WINDOW_DAYS, now);
    const query = { entityRef, definition: definitionId };
    // The figures carry their change against the previous window.
    const [current, series, unresolved] = await Promise.all([
      api.getMetrics({ ...query, ...window }),
      api.getMetricsSeries({ ...query, ...window, bucket: 'week' }),
      api.getIncidents({
        entityRef,
        status: ['open', 'mitigated'],
        limit: 100,
      }),
    ]);
    return {
      current,
      series: series.items,
      openIncidents: [...unresolved.items].sort((a, b) =>
        a.startedAt.localeCompare(b.startedAt),
      ),
    };
  }, [api, entityRef, definitionId, now]);

  const title = 'Recovery (MTTR)';
  const caption = `${definition?.title ?? definitionId} · ${windowLabel(
    CARD_WINDOW_DAYS,
  )}`;
  const selector = (
    <DefinitionSelect
      id="mttr-card-definition"
      definitions={definitions}
      value={definitionId}
      onChange={setDefinitionId}
    />
  );

  if (data.loading) {
    return (
      <InfoCard title={title} subheader={caption}>
        <Progress />
      </InfoCard>
    );
  }
  if (data.error || !data.value) {
    return (
      <InfoCard title={title} subheader={caption}>
        <ResponseErrorPanel error={data.error ?? new Error('No figures')} />
      </InfoCard>
    );
  }

  const { current, series, openIncidents } = data.value;
  if (
    !hasIncidentSourceAnnotation(entity) &&
    current.count === 0 &&
    current.deployments.count === 0 &&
    openIncidents.length === 0
  ) {
    return (
      <InfoCard title={title}>
        <MissingAnnotationEmptyState annotation={MAPPING_ANNOTATIONS} />
      </InfoCard>
    );
  }

  return (
    <InfoCard title={title} subheader={caption} action={selector}>
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <Headline current={current} caption={caption} />
          <ChangeFailureLine
            deployments={current.deployments}
            caption={caption}
          />
          <LeversLine levers={current.levers} />
        </Grid>
        <Grid item xs={12} sm={6}>
          <Typography variant="overline" component="h3">
            Band
          </Typography>
          <Box mb={1}>
            {current.medianMs === null ? (
              <Typography variant="body2" color="textSecondary">
                No recovered incidents: no band.
              </Typography>
            ) : (
              <DoraBandChip
                placement={doraPlacementOf(current, thresholds)}
                thresholds={thresholds}
              />
            )}
          </Box>
        </Grid>
        <Grid item xs={12} sm={6}>
          <Typography variant="overline" component="h3">
            Weekly median trend
          </Typography>
          <Sparkline series={series.map(s => s.medianMs)} caption={caption} />
        </Grid>
        <Grid item xs={12}>
          <Typography variant="overline" component="h3">
            Where recovery time goes (median per stage, {caption})
          </Typography>
          <StageBar stages={current.stages} />
        </Grid>
      </Grid>
      <Box my={2}>
        <Divider />
      </Box>
      <OpenIncidents
        entity={entity}
        incidents={openIncidents}
        now={now}
        incidentActions={incidentActions}
      />
      <Box my={2}>
        <Divider />
      </Box>
      <Grid container spacing={2}>
        <Grid item xs={12} sm={6}>
          <RunbookList runbooks={runbooksOf(entity)} />
        </Grid>
        <Grid item xs={12} sm={6}>
          <OnCallList entityRef={entityRef} />
        </Grid>
      </Grid>
    </InfoCard>
  );
}

function Figure(props: {
  label: string;
  value: string;
  testId?: string;
  /** A line under the figure: its interval, or how sure the change is. */
  note?: string;
  noteTestId?: string;
}) {
  return (
    <Box mr={3}>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="h5" component="div" data-testid={props.testId}>
        {props.value}
      </Typography>
      {props.note && (
        <Typography
          variant="caption"
          color="textSecondary"
          component="div"
          data-testid={props.noteTestId}
        >
          {props.note}
        </Typography>
      )}
    </Box>
  );
}

/** Under the change figure: whether the change is more than noise. */
function testVerdict(current: RecoveryMetrics): string {
  if (current.change.pValue === null) {
    return 'not tested';
  }
  return current.change.significant ? 'significant' : 'within noise';
}

function Headline(props: { current: RecoveryMetrics; caption: string }) {
  const { current, caption } = props;
  const change = describeChange(current.change, current.recovered);
  // Faster or slower only when the test says the change is real.
  const changeWords = change.direction
    ? `the median is ${change.direction} than in the previous 90 days (${change.words})`
    : `against the previous 90 days: ${change.words}`;
  return (
    <Box>
      <Box display="flex" flexWrap="wrap" alignItems="flex-end">
        <Figure
          label="Median MTTR"
          value={formatDuration(current.medianMs)}
          testId="mttr-median"
          note={
            current.medianMs === null
              ? undefined
              : describeInterval(current.medianCi, current.recovered)
          }
          noteTestId="mttr-median-ci"
        />
        <Figure
          label="Mean MTTR"
          value={formatDuration(current.meanMs)}
          testId="mttr-mean"
        />
        <Figure
          label="Change (median)"
          value={change.value}
          testId="mttr-change"
          note={testVerdict(current)}
          noteTestId="mttr-change-test"
        />
        <Figure
          label="Incidents per 30 days"
          value={formatFrequency(current.frequencyPer30d)}
          testId="mttr-frequency"
        />
      </Box>
      <Typography variant="body2" color="textSecondary">
        {caption}: based on {current.count}{' '}
        {current.count === 1 ? 'incident' : 'incidents'} ({current.recovered}{' '}
        recovered, {current.open} open
        {current.excluded ? `, ${current.excluded} excluded` : ''});{' '}
        {changeWords}. Severity mix: <SeverityMix mix={current.severityMix} />
      </Typography>
      {current.count < LOW_SAMPLE_SIZE && (
        <Typography variant="body2" role="note">
          ⚠ Few incidents ({current.count}): these figures move a lot with each
          new incident; read them as a hint, not a trend.
        </Typography>
      )}
    </Box>
  );
}

function Sparkline(props: { series: Array<number | null>; caption: string }) {
  const points = props.series.map((ms, i) => ({
    week: i,
    hours: ms === null ? null : ms / 3_600_000,
  }));
  const known = props.series.filter((ms): ms is number => ms !== null);
  if (known.length < 2) {
    return (
      <Typography variant="body2" color="textSecondary">
        Not enough weeks with recoveries for a trend.
      </Typography>
    );
  }
  const first = known[0];
  const last = known[known.length - 1];
  return (
    <div
      role="img"
      aria-label={`Weekly median time to recovery, ${props.caption}: from ${formatDuration(
        first,
      )} to ${formatDuration(last)}`}
    >
      <LineChart width={200} height={40} data={points}>
        <YAxis hide domain={['auto', 'auto']} />
        <Line
          type="monotone"
          dataKey="hours"
          stroke="#1976d2"
          strokeWidth={2}
          dot={false}
          connectNulls
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}

function OpenIncidents(props: {
  entity: Entity;
  incidents: Incident[];
  now: Date;
  incidentActions: IncidentAction[];
}) {
  const { entity, incidents, now, incidentActions } = props;
  const serviceRunbook = runbooksOf(entity)[0]?.url;
  return (
    <Box component="section" aria-labelledby="mttr-open-heading">
      <Typography variant="subtitle2" component="h3" id="mttr-open-heading">
        Open incidents ({incidents.length})
      </Typography>
      {incidents.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No open incidents.
        </Typography>
      ) : (
        <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
          {incidents.map(incident => {
            const runbook = incident.runbookUrl ?? serviceRunbook;
            return (
              <Box
                component="li"
                key={`${incident.source}/${incident.incidentId}`}
                display="flex"
                flexWrap="wrap"
                alignItems="center"
                py={0.5}
                style={{ gap: 8 }}
              >
                <SeverityChip severity={incident.severity} />
                <Typography variant="body2" component="span">
                  {incident.title ?? incident.incidentId}
                </Typography>
                <Typography
                  variant="body2"
                  color="textSecondary"
                  component="span"
                >
                  {incident.status} · started{' '}
                  {formatDuration(
                    now.getTime() - new Date(incident.startedAt).getTime(),
                  )}{' '}
                  ago
                </Typography>
                {incident.url && (
                  <Typography variant="body2" component="span">
                    <SafeLink url={incident.url}>
                      View in {incident.source}
                    </SafeLink>
                  </Typography>
                )}
                {runbook && (
                  <Typography variant="body2" component="span">
                    <SafeLink url={runbook}>Runbook</SafeLink>
                  </Typography>
                )}
                <IncidentRowActions
                  entity={entity}
                  incident={incident}
                  actions={incidentActions}
                />
              </Box>
            );
          })}
        </Box>
      )}
    </Box>
  );
}
