import { useState } from 'react';
import {
  Box,
  Chip,
  Table as MuiTable,
  TableBody,
  TableCell,
  TableHead,
  TablePagination,
  TableRow,
  Typography,
} from '@material-ui/core';
import { useTheme } from '@material-ui/core/styles';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Deployment,
  DeploymentFigures,
  DeploymentLink,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';
import useAsync from 'react-use/lib/useAsync';
import { MetricsWindow, mttrApiRef } from '../../api';
import { SafeLink } from '../shared/SafeLink';
import { IncidentTimelineLink } from './IncidentTimelineLink';
import { formatTime } from './timelineSteps';

/** Deployments per page of the list. */
export const DEPLOYMENTS_PAGE = 10;

function percent(ratio: number) {
  return `${Math.round(ratio * 100)}%`;
}

/**
 * "CFR 12% · 3 of 25 deployments · recovery 41m · linked: 1 explicit,
 * 1 rollback, 1 window", or what is missing.
 */
export function describeDeploymentFigures(figures: DeploymentFigures) {
  if (figures.count === 0) {
    return 'No deployment counted in this window.';
  }
  const { changeFailures, linkedBy, recovery } = figures;
  const parts = [
    `CFR ${percent(figures.changeFailureRate ?? 0)}`,
    `${changeFailures} of ${figures.count} deployments`,
  ];
  if (changeFailures > 0) {
    parts.push(
      recovery.medianMs === null
        ? `recovery: none recovered yet (${recovery.open} open)`
        : `recovery ${formatDuration(recovery.medianMs)} (median of ${
            recovery.recovered
          })${recovery.open > 0 ? `, ${recovery.open} still open` : ''}`,
    );
    parts.push(
      `linked: ${linkedBy.explicit} explicit, ${linkedBy.rollback} rollback, ${linkedBy.window} window`,
    );
  }
  return parts.join(' · ');
}

function recoveryText(deployment: Deployment) {
  if (!deployment.changeFailure) {
    return '–';
  }
  return deployment.recoveryMs === null
    ? 'still open'
    : formatDuration(deployment.recoveryMs);
}

function statusText(deployment: Deployment) {
  if (deployment.status === 'failed') {
    return 'failed, never went live';
  }
  const status =
    deployment.status === 'rolled_back' ? 'rolled back' : 'succeeded';
  return deployment.live
    ? status
    : `${status}, not counted (${deployment.environment})`;
}

/** One link, written out: "linked by causedBy", "rolled back by 1234", "incident started 2h after". */
function LinkText(props: { deployment: Deployment; link: DeploymentLink }) {
  const { deployment, link } = props;
  if (link.kind === 'rollback') {
    return (
      <>
        {link.rolledBackBy
          ? `rolled back by ${link.rolledBackBy}`
          : 'rolled back (its own status)'}
      </>
    );
  }
  const incident = link.incident;
  if (!incident) {
    return (
      <>
        {link.kind === 'explicit'
          ? 'linked by causedBy'
          : 'linked by the window'}
      </>
    );
  }
  const finished = deployment.finishedAt
    ? Date.parse(deployment.finishedAt)
    : undefined;
  const lead =
    link.kind === 'explicit'
      ? 'linked by causedBy: '
      : `incident started ${
          finished === undefined
            ? ''
            : `${formatDuration(Date.parse(incident.startedAt) - finished)} `
        }after: `;
  return (
    <>
      {lead}
      <IncidentTimelineLink
        source={incident.source}
        incidentId={incident.incidentId}
      >
        {incident.title ?? incident.incidentId}
      </IncidentTimelineLink>
    </>
  );
}

function DeploymentRow(props: { deployment: Deployment }) {
  const { deployment } = props;
  const theme = useTheme();
  const name =
    deployment.version ??
    deployment.commit?.slice(0, 7) ??
    deployment.deploymentId;
  const failure = deployment.changeFailure;
  return (
    <TableRow
      data-testid="mttr-deployment-row"
      data-change-failure={failure ? 'true' : 'false'}
      style={
        failure
          ? { boxShadow: `inset 4px 0 0 ${theme.palette.error.main}` }
          : undefined
      }
    >
      <TableCell>
        {formatTime(deployment.finishedAt ?? deployment.at)}
      </TableCell>
      <TableCell>
        {deployment.url ? (
          <SafeLink url={deployment.url}>{name}</SafeLink>
        ) : (
          name
        )}
        {deployment.version && deployment.commit && (
          <Typography variant="caption" color="textSecondary" component="div">
            {deployment.commit.slice(0, 7)}
          </Typography>
        )}
      </TableCell>
      <TableCell>{deployment.environment}</TableCell>
      <TableCell>{statusText(deployment)}</TableCell>
      <TableCell>
        {failure ? (
          <>
            <Chip
              size="small"
              label="change failure"
              style={{
                backgroundColor: theme.palette.error.main,
                color: theme.palette.error.contrastText,
              }}
            />
            <Box component="ul" m={0} pl={2}>
              {deployment.links.map((link, i) => (
                <li key={i}>
                  <Typography variant="body2" component="span">
                    <LinkText deployment={deployment} link={link} />
                  </Typography>
                </li>
              ))}
            </Box>
          </>
        ) : (
          'no'
        )}
      </TableCell>
      <TableCell align="right">{recoveryText(deployment)}</TableCell>
    </TableRow>
  );
}

/**
 * The deployments of the window, newest first, a page at a time: change
 * failures highlighted, with how each was linked and the incidents that
 * link it one click away (their timelines open in a dialog).
 */
export function DeploymentList(props: {
  entityRef: string;
  definition: string;
  window: MetricsWindow;
  figures: DeploymentFigures;
  caption: string;
}) {
  const { entityRef, definition, window, figures, caption } = props;
  const api = useApi(mttrApiRef);
  const [page, setPage] = useState(0);
  const [previousQuery, setPreviousQuery] = useState({ definition, window });
  if (
    previousQuery.definition !== definition ||
    previousQuery.window !== window
  ) {
    // A new definition or window starts at the newest deployments again.
    setPreviousQuery({ definition, window });
    setPage(0);
  }
  const data = useAsync(
    () =>
      api.getDeployments({
        entityRef,
        definition,
        ...window,
        limit: DEPLOYMENTS_PAGE,
        offset: page * DEPLOYMENTS_PAGE,
      }),
    [api, entityRef, definition, window, page],
  );

  let body;
  if (data.loading) {
    body = <Progress />;
  } else if (data.error || !data.value) {
    body = (
      <ResponseErrorPanel error={data.error ?? new Error('No deployments')} />
    );
  } else if (data.value.totalCount === 0) {
    body = (
      <Typography variant="body2" color="textSecondary">
        No deployments in this window. They come from a deployment source (such
        as the GitHub module) or from POST /api/mttr/deployments.
      </Typography>
    );
  } else {
    body = (
      <>
        <MuiTable size="small" aria-label={`Deployments, ${caption}`}>
          <TableHead>
            <TableRow>
              <TableCell component="th">Finished</TableCell>
              <TableCell component="th">Version</TableCell>
              <TableCell component="th">Environment</TableCell>
              <TableCell component="th">Status</TableCell>
              <TableCell component="th">Change failure</TableCell>
              <TableCell component="th" align="right">
                Recovery
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {data.value.items.map(deployment => (
              <DeploymentRow
                key={`${deployment.source}/${deployment.deploymentId}`}
                deployment={deployment}
              />
            ))}
          </TableBody>
        </MuiTable>
        {data.value.totalCount > DEPLOYMENTS_PAGE && (
          <TablePagination
            component="div"
            count={data.value.totalCount}
            page={page}
            rowsPerPage={DEPLOYMENTS_PAGE}
            rowsPerPageOptions={[DEPLOYMENTS_PAGE]}
            onPageChange={(_, next) => setPage(next)}
          />
        )}
      </>
    );
  }

  return (
    <InfoCard title="Deployments" subheader={caption}>
      <Typography
        variant="body1"
        data-testid="mttr-deployment-figures"
        gutterBottom
      >
        {describeDeploymentFigures(figures)}
      </Typography>
      {body}
    </InfoCard>
  );
}
