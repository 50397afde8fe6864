import { Fragment, useMemo, useState } from 'react';
import { Box, Grid, Typography } from '@material-ui/core';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  Deployment,
  Incident,
  MTTR_ALERT_MATCHERS_ANNOTATION,
  MTTR_INCIDENT_KEYS_ANNOTATION,
  PAGERDUTY_SERVICE_ID_ANNOTATION,
  QuantileInterval,
  RecoveryDefinition,
  formatDuration,
  hasIncidentSourceAnnotation,
} from '@mttr-backstage/plugin-mttr-common';
import useAsync from 'react-use/lib/useAsync';
import { MttrApi, MetricsWindow, mttrApiRef } from '../../api';
import { accessIncidentActions } from '../AccessIncidentActions';
import { describeError } from '../AccessRequestStatus/describeError';
import { IncidentAction } from '../IncidentActions';
import { DefinitionSelect, WindowSelect } from '../shared/Selectors';
import { SeverityMix } from '../shared/SeverityMix';
import {
  LOW_SAMPLE_SIZE,
  formatFrequency,
  lastDays,
  windowLabel,
} from '../shared/timeWindow';
import {
  MIN_RECOVERIES_FOR_MEDIAN_CI,
  MIN_RECOVERIES_FOR_P90_CI,
  describeChange,
  formatInterval,
} from '../shared/uncertainty';
import { useDefinitions } from '../shared/useDefinitions';
import { DefinitionsSideBySide } from './DefinitionsSideBySide';
import { DeploymentList } from './DeploymentList';
import { IncidentTable } from './IncidentTable';
import { LoadedIncidentsProvider } from './IncidentTimelineLink';
import { RecoveryCharts } from './RecoveryCharts';
import { RecoveryLevers } from './RecoveryLevers';

/** The most incidents the tab reads for one window (pages of 500). */
const MAX_INCIDENTS = 2000;
const PAGE = 500;
/** The most deployments the charts draw for one window (pages of 200). */
const MAX_DEPLOYMENTS = 1000;
const DEPLOYMENT_PAGE = 200;

/**
 * Props of {@link EntityMttrContent}.
 *
 * @public
 */
export interface EntityMttrContentProps {
  /**
   * What each incident row offers besides its links, and what the tab
   * shows below the incidents for them. Default `[accessIncidentActions]`
   * (just-in-time access); `[]` for none.
   */
  incidentActions?: IncidentAction[];
}

/**
 * Pages of a list, `pageSize` at a time, until all of it or `max` items are
 * read (or a page comes back empty).
 */
async function readPages<T>(
  readPage: (page: {
    limit: number;
    offset: number;
  }) => Promise<{ items: T[]; totalCount: number }>,
  pageSize: number,
  max: number,
): Promise<{ items: T[]; totalCount: number }> {
  const items: T[] = [];
  let totalCount = 0;
  do {
    const page = await readPage({ limit: pageSize, offset: items.length });
    totalCount = page.totalCount;
    items.push(...page.items);
    if (page.items.length === 0) {
      break;
    }
  } while (items.length < Math.min(totalCount, max));
  return { items, totalCount };
}

function readIncidents(
  api: MttrApi,
  entityRef: string,
  window: MetricsWindow,
): Promise<{ items: Incident[]; totalCount: number }> {
  return readPages(
    page => api.getIncidents({ entityRef, ...window, ...page }),
    PAGE,
    MAX_INCIDENTS,
  );
}

function readDeployments(
  api: MttrApi,
  entityRef: string,
  definition: string,
  window: MetricsWindow,
): Promise<{ items: Deployment[]; totalCount: number }> {
  return readPages(
    page => api.getDeployments({ entityRef, definition, ...window, ...page }),
    DEPLOYMENT_PAGE,
    MAX_DEPLOYMENTS,
  );
}

/** What the charts say about the deployments they draw, when not all of them. */
function deploymentsNote(read: {
  loading: boolean;
  error?: Error;
  value?: { items: Deployment[]; totalCount: number };
}): string | undefined {
  if (read.error) {
    return `Deployments are not drawn: ${describeError(read.error)}`;
  }
  if (read.value && read.value.items.length < read.value.totalCount) {
    return `The newest ${read.value.items.length} of ${read.value.totalCount} deployments are drawn.`;
  }
  return undefined;
}

/** " (95% CI 22m–48m)", or " (interval not bounded: 3 recovered, needs 6)". */
function intervalNote(
  ci: QuantileInterval | null,
  recovered: number,
  needed: number,
): string {
  const text = formatInterval(ci);
  return text
    ? ` (95% CI ${text})`
    : ` (interval not bounded: ${recovered} recovered, needs ${needed})`;
}

export function EntityMttrContent(props: EntityMttrContentProps) {
  const { entity } = useEntity();
  const definitions = useDefinitions();
  if (definitions.loading) {
    return <Progress />;
  }
  if (definitions.error || !definitions.value) {
    return (
      <ResponseErrorPanel
        error={definitions.error ?? new Error('No definitions')}
      />
    );
  }
  return (
    <RecoveryTab
      entity={entity}
      definitions={definitions.value.items}
      defaultDefinition={definitions.value.defaultDefinition}
      incidentActions={props.incidentActions ?? [accessIncidentActions]}
    />
  );
}

function RecoveryTab(props: {
  entity: Entity;
  definitions: RecoveryDefinition[];
  defaultDefinition: string;
  incidentActions: IncidentAction[];
}) {
  const { entity, definitions } = props;
  const api = useApi(mttrApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [now] = useState(() => new Date());
  const [days, setDays] = useState(90);
  const [definitionId, setDefinitionId] = useState(props.defaultDefinition);
  const definition =
    definitions.find(d => d.id === definitionId) ?? definitions[0];
  const caption = `${definition.title} · ${windowLabel(days)}`;
  const window = useMemo(() => lastDays(days, now), [days, now]);

  const data = useAsync(async () => {
    const [series, incidents, perDefinition] = await Promise.all([
      api.getMetricsSeries({
        entityRef,
        definition: definitionId,
        ...window,
        bucket: 'week',
      }),
      readIncidents(api, entityRef, window),
      Promise.all(
        definitions.map(d =>
          api.getMetrics({ entityRef, definition: d.id, ...window }),
        ),
      ),
    ]);
    return { series, incidents, perDefinition };
  }, [api, entityRef, definitionId, window, definitions]);
  // Read apart from the figures: without a deployment source (or while
  // its route fails) the rest of the tab still shows.
  const deployments = useAsync(
    () => readDeployments(api, entityRef, definitionId, window),
    [api, entityRef, definitionId, window],
  );

  const controls = (
    <Box display="flex" flexWrap="wrap" mb={2} style={{ gap: 16 }}>
      <DefinitionSelect
        id="mttr-tab-definition"
        definitions={definitions}
        value={definitionId}
        onChange={setDefinitionId}
      />
      <WindowSelect id="mttr-tab-window" value={days} onChange={setDays} />
    </Box>
  );

  if (data.loading) {
    return (
      <>
        {controls}
        <Progress />
      </>
    );
  }
  if (data.error || !data.value) {
    return (
      <>
        {controls}
        <ResponseErrorPanel error={data.error ?? new Error('No figures')} />
      </>
    );
  }

  const { series, incidents, perDefinition } = data.value;
  const current = perDefinition[definitions.indexOf(definition)];
  if (
    incidents.totalCount === 0 &&
    current.count === 0 &&
    !hasIncidentSourceAnnotation(entity)
  ) {
    return (
      <MissingAnnotationEmptyState
        annotation={[
          PAGERDUTY_SERVICE_ID_ANNOTATION,
          MTTR_ALERT_MATCHERS_ANNOTATION,
          MTTR_INCIDENT_KEYS_ANNOTATION,
        ]}
      />
    );
  }

  return (
    <Box>
      {controls}
      {incidents.totalCount === 0 ? (
        <>
          <EmptyState
            missing="data"
            title={`No incidents in the ${windowLabel(days)}`}
            description="Nothing to measure in this window. Pick a longer window, or check that the incident source sends events for this service."
          />
          {current.deployments.count > 0 && (
            <DeploymentList
              entityRef={entityRef}
              definition={definitionId}
              window={window}
              figures={current.deployments}
              caption={caption}
            />
          )}
        </>
      ) : (
        <LoadedIncidentsProvider
          incidents={incidents.items}
          definition={definitionId}
          definitionTitle={definition.title}
        >
          <Grid container spacing={2}>
            <Grid item xs={12}>
              <InfoCard title="Summary" subheader={caption}>
                <Typography variant="body1" data-testid="mttr-summary">
                  Median {formatDuration(current.medianMs)}
                  {intervalNote(
                    current.medianCi,
                    current.recovered,
                    MIN_RECOVERIES_FOR_MEDIAN_CI,
                  )}{' '}
                  · p90 {formatDuration(current.p90Ms)}
                  {intervalNote(
                    current.p90Ci,
                    current.recovered,
                    MIN_RECOVERIES_FOR_P90_CI,
                  )}{' '}
                  · mean {formatDuration(current.meanMs)} ·{' '}
                  {formatFrequency(current.frequencyPer30d)} incidents per 30
                  days, based on {current.count} incidents ·{' '}
                  <SeverityMix mix={current.severityMix} />
                </Typography>
                <Typography variant="body2" data-testid="mttr-summary-change">
                  Change of the median against the previous {days} days:{' '}
                  {describeChange(current.change, current.recovered).words}.
                </Typography>
                {current.count < LOW_SAMPLE_SIZE && (
                  <Typography variant="body2" role="note">
                    ⚠ Few incidents ({current.count}): read these figures as a
                    hint, not a trend.
                  </Typography>
                )}
                {incidents.items.length < incidents.totalCount && (
                  <Typography variant="body2" role="note">
                    Showing the newest {incidents.items.length} of{' '}
                    {incidents.totalCount} incidents in the table and
                    distribution; the weekly charts and figures use all of them.
                  </Typography>
                )}
              </InfoCard>
            </Grid>
            <Grid item xs={12}>
              <RecoveryCharts
                series={series.items}
                incidents={incidents.items}
                definition={definitionId}
                caption={caption}
                deployments={deployments.value?.items}
                deploymentsNote={deploymentsNote(deployments)}
              />
            </Grid>
            <Grid item xs={12}>
              <DeploymentList
                entityRef={entityRef}
                definition={definitionId}
                window={window}
                figures={current.deployments}
                caption={caption}
              />
            </Grid>
            <Grid item xs={12}>
              <RecoveryLevers
                entityRef={entityRef}
                definition={definitionId}
                window={window}
                productionMedianMs={current.medianMs}
                countedUnits={current.count}
                caption={caption}
              />
            </Grid>
            <Grid item xs={12}>
              <DefinitionsSideBySide
                definitions={definitions}
                metrics={perDefinition}
                windowText={windowLabel(days)}
              />
            </Grid>
            <Grid item xs={12}>
              <IncidentTable
                entity={entity}
                incidents={incidents.items}
                definition={definitionId}
                definitionTitle={definition.title}
                caption={caption}
                incidentActions={props.incidentActions}
              />
            </Grid>
          </Grid>
        </LoadedIncidentsProvider>
      )}
      {/* Not tied to the figures: shown even without incidents in the window. */}
      {props.incidentActions.map((action, index) => (
        <Fragment key={index}>{action.renderForEntity?.({ entity })}</Fragment>
      ))}
    </Box>
  );
}
