import { Box, Typography } from '@material-ui/core';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { DateTime } from 'luxon';
import useAsync from 'react-use/lib/useAsync';
import { mttrApiRef } from '../../api';

/**
 * Every state change of one request, oldest first: who did what, when and
 * why, as the backend's audit trail recorded it.
 */
export function AccessRequestHistory(props: { requestId: string }) {
  const api = useApi(mttrApiRef);
  const { value, loading, error } = useAsync(
    () => api.getAccessRequest(props.requestId),
    [api, props.requestId],
  );
  if (loading) return <Progress />;
  if (error || !value) {
    return (
      <Typography variant="body2" color="error">
        History could not be loaded: {error?.message}
      </Typography>
    );
  }
  return (
    <Box component="ol" m={0} pl={3} aria-label="Request history">
      {(value.history ?? []).map((entry, i) => (
        <li key={i}>
          <Typography variant="body2" component="span">
            {DateTime.fromISO(entry.at).toLocaleString(
              DateTime.DATETIME_SHORT_WITH_SECONDS,
            )}
            {' · '}
            <strong>{entry.action}</strong> by {entry.actor}
            {entry.comment ? ` — ${entry.comment}` : ''}
          </Typography>
        </li>
      ))}
    </Box>
  );
}
