import { Box, Typography } from '@material-ui/core';
import { Runbook } from './runbooks';
import { SafeLink } from './SafeLink';

/** The service's runbooks; only http(s) ones become links. */
export function RunbookList(props: { runbooks: Runbook[] }) {
  const { runbooks } = props;
  return (
    <Box component="section" aria-labelledby="mttr-runbooks-heading">
      <Typography variant="subtitle2" component="h3" id="mttr-runbooks-heading">
        Runbooks
      </Typography>
      {runbooks.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No runbooks listed. Add a link of type <code>runbook</code> to the
          entity's <code>metadata.links</code>, or URLs to the{' '}
          <code>mttr.dev/runbooks</code> annotation.
        </Typography>
      ) : (
        <Box component="ul" m={0} pl={2}>
          {runbooks.map(r => (
            <li key={r.url}>
              <Typography variant="body2" component="span">
                <SafeLink url={r.url}>{r.title}</SafeLink>
              </Typography>
            </li>
          ))}
        </Box>
      )}
    </Box>
  );
}
