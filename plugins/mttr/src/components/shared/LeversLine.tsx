import { Tooltip, Typography } from '@material-ui/core';
import { RecoveryLevers } from '@mttr-backstage/plugin-mttr-common';
import {
  LEVERS_DEFINITION,
  describeReviewCoverage,
  describeTimeToAccess,
} from './stabilityWording';

/**
 * One line of the levers of recovery: the review coverage of the incidents
 * due a review and the median time to access, each only when there is
 * something to show (a review due; an incident with access granted), the
 * line not at all when neither is.
 */
export function LeversLine(props: { levers: RecoveryLevers }) {
  const { reviews, access } = props.levers;
  const parts = [
    reviews.due > 0 ? `Reviews ${describeReviewCoverage(reviews)}` : '',
    access.incidentsWithAccess > 0
      ? `median time to access ${describeTimeToAccess(access)}`
      : '',
  ].filter(Boolean);
  if (parts.length === 0) {
    return null;
  }
  const text = parts.join(' · ');
  return (
    <Tooltip title={LEVERS_DEFINITION}>
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="mttr-levers"
        tabIndex={0}
        style={{ display: 'inline-block', marginTop: 4 }}
      >
        {text.charAt(0).toUpperCase() + text.slice(1)}
      </Typography>
    </Tooltip>
  );
}
