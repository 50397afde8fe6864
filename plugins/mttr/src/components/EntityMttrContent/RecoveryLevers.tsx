import { ReactNode } from 'react';
import { Box, Typography } from '@material-ui/core';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  LeversResponse,
  UnreviewedIncident,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';
import useAsync from 'react-use/lib/useAsync';
import { MetricsWindow, mttrApiRef } from '../../api';
import { SafeLink } from '../shared/SafeLink';
import { IncidentTimelineLink } from './IncidentTimelineLink';
import { formatTime } from './timelineSteps';

const NOTHING = 'nothing to measure';

function percent(ratio: number) {
  return `${Math.round(ratio * 100)}%`;
}

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** One lever: its name, its figure in words, and what it measures. */
function Lever(props: {
  testId: string;
  title: string;
  figure: string;
  measures: string;
  children?: ReactNode;
}) {
  return (
    <Box mb={2} data-testid={props.testId}>
      <Typography variant="subtitle2" component="h4">
        {props.title}
      </Typography>
      <Typography variant="body1">{props.figure}</Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        {props.measures}
      </Typography>
      {props.children}
    </Box>
  );
}

/** The period a review is due within, as the unreviewed incidents show it. */
function dueWithin(unreviewed: UnreviewedIncident[]) {
  const first = unreviewed[0];
  return first
    ? formatDuration(Date.parse(first.dueAt) - Date.parse(first.recoveredAt))
    : undefined;
}

function vs(medianMs: number | null, otherMs: number | null, other: string) {
  if (medianMs === null) {
    return 'none recovered yet';
  }
  return `median ${formatDuration(medianMs)} vs ${
    otherMs === null
      ? `no ${other} median`
      : `${formatDuration(otherMs)} ${other}`
  }`;
}

function UnreviewedList(props: { items: UnreviewedIncident[] }) {
  if (props.items.length === 0) {
    return null;
  }
  return (
    <Box component="ul" m={0} pl={2} data-testid="mttr-lever-unreviewed">
      {props.items.map(item => (
        <li key={`${item.source}/${item.incidentId}`}>
          <Typography variant="body2" component="span">
            <IncidentTimelineLink
              source={item.source}
              incidentId={item.incidentId}
              fallback=""
            >
              {item.title ?? item.incidentId}
            </IncidentTimelineLink>
            {item.severity ? ` (${item.severity})` : ''}: recovered{' '}
            {formatTime(item.recoveredAt)}, review due {formatTime(item.dueAt)}
            {item.review
              ? ` · review ${item.review.status}${
                  item.review.status === 'published' ? ' late' : ''
                }`
              : ' · no review'}
            {item.review?.url && (
              <>
                {' · '}
                <SafeLink url={item.review.url}>review</SafeLink>
              </>
            )}
            {item.url && (
              <>
                {' · '}
                <SafeLink url={item.url}>incident in {item.source}</SafeLink>
              </>
            )}
          </Typography>
        </li>
      ))}
    </Box>
  );
}

/** The levers, in words, each with what it measures. */
export function LeverFigures(props: {
  answer: LeversResponse;
  /** The entity's production median under the definition (the summary's). */
  productionMedianMs: number | null;
  /** The definition's count over the window (units, open ones included). */
  countedUnits: number;
}) {
  const { answer, productionMedianMs, countedUnits } = props;
  const { reviews, drills, automation, access } = answer.levers;
  const within = dueWithin(answer.unreviewed);
  return (
    <>
      <Lever
        testId="mttr-lever-reviews"
        title="Post-incident reviews"
        figure={
          reviews.due === 0
            ? `No incident was due a review in this window: ${NOTHING}.`
            : `${reviews.published} of ${plural(
                reviews.due,
                'due incident',
              )} reviewed ${within ? `within ${within}` : 'in time'} (${percent(
                reviews.coverage ?? 0,
              )})${
                reviews.medianTimeToPublishMs === null
                  ? ''
                  : ` · median time to publish ${formatDuration(
                      reviews.medianTimeToPublishMs,
                    )}`
              }`
        }
        measures="Incidents recovered in this window whose severity calls for a review are due one; it counts when it was published within the due period after the recovery."
      >
        <UnreviewedList items={answer.unreviewed} />
      </Lever>
      <Lever
        testId="mttr-lever-action-items"
        title="Open action items"
        figure={`${plural(reviews.openActionItems, 'action item')} still open`}
        measures="The follow-up actions not yet done, summed over the incidents that started in this window."
      />
      <Lever
        testId="mttr-lever-repeats"
        title="Repeats after review"
        figure={`${plural(
          reviews.repeatsAfterReview,
          'incident',
        )} came back after a published review`}
        measures="Incidents of this window with the same fingerprint as an earlier, reviewed incident of this service, starting after that review was published."
      />
      <Lever
        testId="mttr-lever-drills"
        title="Drills and game days"
        figure={
          drills.count === 0
            ? `No drill in this window: ${NOTHING}.`
            : `${plural(drills.count, 'drill')} held, ${
                drills.recovered
              } recovered: ${vs(drills.medianMs, productionMedianMs, 'in production')}`
        }
        measures="Incidents labelled as drills, measured like production incidents (without the definition's label filter), beside the production median."
      />
      <Lever
        testId="mttr-lever-automation"
        title="Automated remediation"
        figure={
          automation.share === null
            ? `No counted incident in this window: ${NOTHING}.`
            : `${automation.count} of ${countedUnits} counted incidents (${percent(
                automation.share,
              )}) recovered by automation${
                automation.count === 0
                  ? ''
                  : `: ${vs(automation.medianMs, automation.manualMedianMs, 'manual')}`
              }`
        }
        measures="Counted incidents labelled as remediated by automation, their share of all counted incidents, and their median recovery against the others'."
      />
      <Lever
        testId="mttr-lever-access"
        title="Time to access"
        figure={
          access.incidentsWithAccess === 0
            ? `No incident in this window had just-in-time access granted: ${NOTHING}.`
            : `Median time to access ${formatDuration(
                access.medianTimeToAccessMs,
              )} over ${plural(access.incidentsWithAccess, 'incident')}, ${
                access.breakGlass
              } of them break-glass`
        }
        measures="From the start of the incident to the first just-in-time access granted for it; break-glass grants count too."
      />
    </>
  );
}

/**
 * "What helps recovery here": whether the levers that move recovery are
 * being pulled for this service, next to its figures.
 */
export function RecoveryLevers(props: {
  entityRef: string;
  definition: string;
  window: MetricsWindow;
  productionMedianMs: number | null;
  countedUnits: number;
  caption: string;
}) {
  const { entityRef, definition, window } = props;
  const api = useApi(mttrApiRef);
  const data = useAsync(
    () => api.getLevers({ entityRef, definition, ...window }),
    [api, entityRef, definition, window],
  );
  let body;
  if (data.loading) {
    body = <Progress />;
  } else if (data.error || !data.value) {
    body = <ResponseErrorPanel error={data.error ?? new Error('No levers')} />;
  } else {
    body = (
      <LeverFigures
        answer={data.value}
        productionMedianMs={props.productionMedianMs}
        countedUnits={props.countedUnits}
      />
    );
  }
  return (
    <InfoCard title="What helps recovery here" subheader={props.caption}>
      <Box data-testid="mttr-levers">{body}</Box>
    </InfoCard>
  );
}
