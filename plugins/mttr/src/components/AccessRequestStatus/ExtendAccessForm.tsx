import { useState } from 'react';
import { Box, Button, TextField } from '@material-ui/core';
import { useApi } from '@backstage/core-plugin-api';
import { AccessRequest } from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import { describeError } from './describeError';

/**
 * Asks for a longer end of an active grant: the new total duration counted
 * from the first grant, and why. The target's policy decides again.
 */
export function ExtendAccessForm(props: {
  request: AccessRequest;
  onDone: (request: AccessRequest) => void;
  onCancel: () => void;
}) {
  const api = useApi(mttrApiRef);
  const { request } = props;
  const [minutes, setMinutes] = useState(String(request.durationMinutes * 2));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const total = Number(minutes);
  const valid =
    Number.isInteger(total) && total > request.durationMinutes && reason.trim();

  const send = async () => {
    setBusy(true);
    setError(undefined);
    try {
      props.onDone(
        await api.extendAccessRequest(request.id, {
          durationMinutes: total,
          reason: reason.trim(),
        }),
      );
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="flex-start"
      style={{ gap: 8 }}
    >
      <TextField
        size="small"
        type="number"
        id={`mttr-extend-minutes-${request.id}`}
        label="New total (minutes from the grant)"
        value={minutes}
        onChange={e => setMinutes(e.target.value)}
        error={Boolean(error)}
        helperText={error ?? `Now ${request.durationMinutes} minutes`}
      />
      <TextField
        size="small"
        id={`mttr-extend-reason-${request.id}`}
        label="Why longer"
        value={reason}
        onChange={e => setReason(e.target.value)}
      />
      <Button
        size="small"
        variant="contained"
        color="primary"
        disabled={!valid || busy}
        onClick={send}
      >
        Ask to extend
      </Button>
      <Button size="small" onClick={props.onCancel}>
        Cancel
      </Button>
    </Box>
  );
}
