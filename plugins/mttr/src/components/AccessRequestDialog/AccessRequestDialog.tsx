import { useEffect, useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useApi } from '@backstage/core-plugin-api';
import {
  AccessRequest,
  AccessTarget,
  formatDuration,
  Incident,
} from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import { describeError } from '../AccessRequestStatus/describeError';

const POLICY_TEXT: Record<AccessTarget['approval'], string> = {
  'auto-on-call':
    'Granted at once if you are on call for this service during an open incident; otherwise an owner approves.',
  approver: 'An owner of the service approves the request.',
  auto: 'Granted at once.',
  'break-glass':
    'BREAK-GLASS: granted at once, flagged, and reviewed by an owner afterwards.',
};

/** The reason the dialog proposes: the incident's title and link. */
export function reasonForIncident(incident?: Incident): string {
  if (!incident) return '';
  const title =
    incident.title ?? `${incident.source} incident ${incident.incidentId}`;
  return incident.url ? `${title} (${incident.url})` : title;
}

function checkDuration(minutes: number, target: AccessTarget) {
  if (!Number.isInteger(minutes) || minutes < 1) {
    return 'Whole minutes, at least 1';
  }
  if (minutes > target.maxDurationMinutes) {
    return `At most ${target.maxDurationMinutes} minutes (${formatDuration(
      target.maxDurationMinutes * 60_000,
    )})`;
  }
  return undefined;
}

/** @public */
export interface AccessRequestDialogProps {
  open: boolean;
  onClose: () => void;
  entityRef: string;
  targets: AccessTarget[];
  initialTargetId?: string;
  /** The incident the access is for, when asked from one. */
  incident?: Incident;
  onCreated: (request: AccessRequest) => void;
}

/**
 * Asks for just-in-time access: which target, for how long (up to the
 * target's maximum) and why (prefilled with the incident's title and link).
 */
export function AccessRequestDialog(props: AccessRequestDialogProps) {
  const api = useApi(mttrApiRef);
  const { targets, incident } = props;
  const [targetId, setTargetId] = useState(
    props.initialTargetId ?? targets[0]?.id ?? '',
  );
  const target = targets.find(t => t.id === targetId);
  const [duration, setDuration] = useState(
    String(target?.defaultDurationMinutes ?? 60),
  );
  const [reason, setReason] = useState(() => reasonForIncident(incident));
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (props.open) {
      setError(undefined);
    }
  }, [props.open]);

  const minutes = Number(duration);
  const durationError = target ? checkDuration(minutes, target) : undefined;
  const reasonError = reason.trim() ? undefined : 'Say why you need access';
  const canSend = Boolean(target) && !durationError && !reasonError && !sending;

  const send = async () => {
    if (!target) return;
    setSending(true);
    setError(undefined);
    try {
      const created = await api.createAccessRequest({
        entityRef: props.entityRef,
        targetId: target.id,
        incident: incident
          ? { source: incident.source, incidentId: incident.incidentId }
          : undefined,
        durationMinutes: minutes,
        reason: reason.trim(),
      });
      props.onCreated(created);
      props.onClose();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      aria-labelledby="mttr-access-dialog-title"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="mttr-access-dialog-title">Request access</DialogTitle>
      <DialogContent>
        <TextField
          select
          fullWidth
          id="mttr-access-target"
          margin="dense"
          label="Target"
          value={targetId}
          onChange={e => {
            setTargetId(e.target.value);
            const next = targets.find(t => t.id === e.target.value);
            if (next) setDuration(String(next.defaultDurationMinutes));
          }}
          helperText={target?.description}
        >
          {targets.map(t => (
            <MenuItem key={t.id} value={t.id}>
              {t.title}
            </MenuItem>
          ))}
        </TextField>
        {target && (
          <Typography
            variant="body2"
            color={
              target.approval === 'break-glass' ? 'error' : 'textSecondary'
            }
          >
            {POLICY_TEXT[target.approval]}
          </Typography>
        )}
        <TextField
          fullWidth
          margin="dense"
          type="number"
          id="mttr-access-duration"
          label="Duration (minutes)"
          value={duration}
          onChange={e => setDuration(e.target.value)}
          inputProps={{ min: 1, max: target?.maxDurationMinutes, step: 1 }}
          error={Boolean(durationError)}
          helperText={
            durationError ??
            (target
              ? `Up to ${formatDuration(target.maxDurationMinutes * 60_000)}`
              : undefined)
          }
        />
        <TextField
          fullWidth
          margin="dense"
          multiline
          minRows={2}
          id="mttr-access-reason"
          label="Reason"
          value={reason}
          onChange={e => setReason(e.target.value)}
          error={Boolean(reasonError)}
          helperText={reasonError}
        />
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={send}
          disabled={!canSend}
        >
          Send request
        </Button>
      </DialogActions>
    </Dialog>
  );
}
