import { Box, Tooltip, Typography } from '@material-ui/core';
import { DeploymentFigures } from '@mttr-backstage/plugin-mttr-common';
import { ChangeFailureBandChip } from './ChangeFailureBandChip';
import { formatFrequency } from './timeWindow';
import {
  CHANGE_FAILURE_DEFINITION,
  describeChangeFailures,
  describeFailedDeploymentRecovery,
  describeLinks,
  formatChangeFailureRate,
} from './stabilityWording';

/**
 * The change failure rate of an entity with its counts, the median
 * failed-deployment recovery time, the deployment frequency and the band;
 * under it, how the change failures were linked to their deployments.
 * Nothing at all for an entity without deployments in the window.
 */
export function ChangeFailureLine(props: {
  deployments: DeploymentFigures;
  /** The definition and window, as the other figures name them. */
  caption: string;
}) {
  const { deployments: d, caption } = props;
  if (d.count === 0) {
    return null;
  }
  const links = describeLinks(d.linkedBy);
  return (
    <Box component="section" aria-label={`Change failures, ${caption}`} mt={1}>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 8 }}
      >
        <Tooltip title={CHANGE_FAILURE_DEFINITION}>
          <Typography
            variant="body2"
            component="span"
            data-testid="mttr-change-failure"
            tabIndex={0}
          >
            CFR {formatChangeFailureRate(d.changeFailureRate)} ·{' '}
            {describeChangeFailures(d)}
            {d.changeFailures > 0 &&
              ` · recovery ${describeFailedDeploymentRecovery(d.recovery)}`}{' '}
            · {formatFrequency(d.frequencyPer30d)} deployments per 30 days
          </Typography>
        </Tooltip>
        <ChangeFailureBandChip band={d.band} />
      </Box>
      {links && (
        <Typography
          variant="caption"
          color="textSecondary"
          component="div"
          data-testid="mttr-change-failure-links"
        >
          How linked: {links}
        </Typography>
      )}
    </Box>
  );
}
