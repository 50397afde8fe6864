import { Box, Typography } from '@material-ui/core';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/lib/useAsync';
import { DateTime } from 'luxon';
import { mttrApiRef } from '../../api';

/**
 * Who is on call for the entity now: operational information for the person
 * who has to act, not a metric. Shows nothing while the backend has no
 * on-call lookup, and a short line (not an error panel) when it fails.
 */
export function OnCallList(props: { entityRef: string }) {
  const api = useApi(mttrApiRef);
  const { value, loading, error } = useAsync(
    () => api.getOnCall(props.entityRef),
    [api, props.entityRef],
  );
  if (loading || value === undefined) {
    if (error) {
      return (
        <Typography variant="body2" color="textSecondary">
          On call: could not be looked up ({error.message})
        </Typography>
      );
    }
    return null;
  }
  return (
    <Box component="section" aria-labelledby="mttr-on-call-heading">
      <Typography variant="subtitle2" component="h3" id="mttr-on-call-heading">
        On call now
      </Typography>
      {value.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          Nobody is on call for this service.
        </Typography>
      ) : (
        <Box component="ul" m={0} pl={2}>
          {[...value]
            .sort((a, b) => a.escalationLevel - b.escalationLevel)
            .map(entry => (
              <li key={`${entry.escalationLevel}-${entry.name}`}>
                <Typography variant="body2" component="span">
                  {entry.name} (level {entry.escalationLevel}
                  {entry.until
                    ? `, until ${DateTime.fromISO(entry.until).toLocaleString(
                        DateTime.DATETIME_SHORT,
                      )}`
                    : ''}
                  )
                </Typography>
              </li>
            ))}
        </Box>
      )}
    </Box>
  );
}
