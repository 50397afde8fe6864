import { Box, Chip, Tooltip, Typography } from '@material-ui/core';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { Incident, IncidentReview } from '@mttr-backstage/plugin-mttr-common';
import { SafeLink } from '../shared/SafeLink';
import { readLeverLabels } from '../shared/leverLabels';
import { formatTime } from './timelineSteps';

const REVIEW_STATUS: Record<IncidentReview['status'], string> = {
  none: 'none planned',
  scheduled: 'scheduled',
  draft: 'in draft',
  published: 'published',
};

/**
 * What the levers of recovery say of one incident: the deployment that
 * caused it, its post-incident review and action items, and the labels
 * that put it in the drills or the automation figures. Renders nothing
 * when there is none of these.
 */
export function IncidentFacts(props: { incident: Incident }) {
  const { incident } = props;
  const labels = readLeverLabels(useApi(configApiRef));
  const drill = incident.labels.filter(l => labels.drills.includes(l));
  const automated = incident.labels.filter(l => labels.automation.includes(l));
  const { review, actionItems, causedBy } = incident;
  if (
    !review &&
    !actionItems &&
    !causedBy &&
    drill.length === 0 &&
    automated.length === 0
  ) {
    return null;
  }
  return (
    <Box mb={1} data-testid="mttr-incident-facts">
      {(drill.length > 0 || automated.length > 0) && (
        <Box display="flex" flexWrap="wrap" mb={1} style={{ gap: 8 }}>
          {drill.map(label => (
            <Tooltip
              key={label}
              title="Measured with the drills, beside production, not in the production figures"
            >
              <Chip
                size="small"
                variant="outlined"
                label={`${label}: a drill`}
                data-testid="mttr-incident-lever-label"
              />
            </Tooltip>
          ))}
          {automated.map(label => (
            <Tooltip
              key={label}
              title="Counts as recovered by automation in the automation share"
            >
              <Chip
                size="small"
                variant="outlined"
                label={`${label}: automated recovery`}
                data-testid="mttr-incident-lever-label"
              />
            </Tooltip>
          ))}
        </Box>
      )}
      {causedBy && (
        <Typography variant="body2" data-testid="mttr-incident-caused-by">
          Caused by deployment {causedBy.deploymentId} ({causedBy.source})
        </Typography>
      )}
      {review && (
        <Typography variant="body2" data-testid="mttr-incident-review">
          Review: {REVIEW_STATUS[review.status]}
          {review.publishedAt && ` on ${formatTime(review.publishedAt)}`}
          {review.url && (
            <>
              {' · '}
              <SafeLink url={review.url}>Open the review</SafeLink>
            </>
          )}
        </Typography>
      )}
      {actionItems && (
        <Typography variant="body2" data-testid="mttr-incident-action-items">
          Action items: {actionItems.open} open, {actionItems.done} done
        </Typography>
      )}
    </Box>
  );
}
