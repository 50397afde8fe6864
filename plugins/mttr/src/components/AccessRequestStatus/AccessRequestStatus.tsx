import { useEffect, useRef, useState } from 'react';
import { Box, Button, Chip, Typography } from '@material-ui/core';
import { useApi } from '@backstage/core-plugin-api';
import {
  AccessRequest,
  AccessRequestStatus as Status,
} from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import { AccessRequestHistory } from './AccessRequestHistory';
import { formatCountdown, useNow } from './countdown';
import { describeError } from './describeError';
import { ExtendAccessForm } from './ExtendAccessForm';

const LABELS: Record<Status, string> = {
  pending: 'Pending approval',
  granting: 'Granting…',
  active: 'Active',
  denied: 'Denied',
  expired: 'Expired',
  revoked: 'Revoked',
  lapsed: 'Lapsed (undecided)',
  failed: 'Failed',
};

/** How often a request whose grant call is in flight is read again. */
const GRANTING_POLL_MS = 2000;

const COLORS: Partial<Record<Status, 'primary' | 'secondary'>> = {
  active: 'primary',
  failed: 'secondary',
};

/** @public */
export interface AccessRequestStatusProps {
  request: AccessRequest;
  /** Target title to show instead of the id. */
  targetTitle?: string;
  /**
   * Called with the request after a change made here (revoke), or seen here
   * (a grant call in flight that committed its outcome).
   */
  onChange?: (request: AccessRequest) => void;
}

/**
 * Where one access request stands: its status, for an active grant the time
 * left (counting down to the second), "Revoke now" and "Extend", for a pending one how
 * many approvals it has, and its history on demand. A request whose grant
 * call is still in flight (`granting`) is read again every two seconds
 * until its outcome is committed.
 */
export function AccessRequestStatus(props: AccessRequestStatusProps) {
  const { request } = props;
  const api = useApi(mttrApiRef);
  const now = useNow(1000);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [showHistory, setShowHistory] = useState(false);
  const [extending, setExtending] = useState(false);

  const leftMs = request.expiresAt ? Date.parse(request.expiresAt) - now : 0;
  const ending =
    (request.status === 'active' && (leftMs <= 0 || request.revocation)) ||
    (request.status === 'granting' && request.revocation);
  // The latest callback, without restarting the polling when it changes.
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  useEffect(() => {
    if (request.status !== 'granting') return undefined;
    let stopped = false;
    const timer = setInterval(() => {
      api.getAccessRequest(request.id).then(
        updated => {
          if (!stopped && updated.status !== 'granting') {
            onChange.current?.(updated);
          }
        },
        () => undefined, // read again at the next beat
      );
    }, GRANTING_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api, request.id, request.status]);

  const revoke = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const updated = await api.decideAccessRequest(request.id, 'revoke');
      props.onChange?.(updated);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box
      component="section"
      aria-label={`Access request ${props.targetTitle ?? request.targetId}`}
      display="flex"
      flexDirection="column"
      py={0.5}
      style={{ gap: 4 }}
    >
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 8 }}
      >
        <Typography variant="body2" component="span">
          <strong>{props.targetTitle ?? request.targetId}</strong>
        </Typography>
        <Chip
          size="small"
          label={LABELS[request.status]}
          color={COLORS[request.status] ?? 'default'}
        />
        {request.breakGlass && (
          <Chip size="small" color="secondary" label="BREAK-GLASS" />
        )}
        {request.status === 'active' && !ending && (
          <Typography variant="body2" component="span" role="timer">
            expires in {formatCountdown(leftMs)}
          </Typography>
        )}
        {request.status === 'granting' && !ending && (
          <Typography variant="body2" component="span" color="textSecondary">
            waiting for the target to confirm the grant
          </Typography>
        )}
        {ending && (
          <Typography variant="body2" component="span">
            ending…
          </Typography>
        )}
        {request.status === 'pending' && (
          <Typography variant="body2" component="span" color="textSecondary">
            {request.approvals.length} of {request.approvalsRequired ?? 1}{' '}
            approval
            {(request.approvalsRequired ?? 1) > 1 ? 's' : ''}
          </Typography>
        )}
        {request.pendingExtension && (
          <Typography variant="body2" component="span" color="textSecondary">
            extension to {request.pendingExtension.durationMinutes} min waiting
            for approval
          </Typography>
        )}
        {(request.status === 'active' || request.status === 'granting') &&
          request.viewer?.canRevoke !== false && (
            <Button
              size="small"
              variant="outlined"
              onClick={revoke}
              disabled={busy}
            >
              Revoke now
            </Button>
          )}
        {request.status === 'active' &&
          request.viewer?.canExtend &&
          !ending &&
          !extending && (
            <Button size="small" onClick={() => setExtending(true)}>
              Extend
            </Button>
          )}
        {request.status === 'pending' &&
          request.viewer?.canRevoke !== false && (
            <Button size="small" onClick={revoke} disabled={busy}>
              Withdraw
            </Button>
          )}
        <Button size="small" onClick={() => setShowHistory(s => !s)}>
          {showHistory ? 'Hide history' : 'History'}
        </Button>
      </Box>
      {request.status === 'failed' && request.error && (
        <Typography variant="body2" color="error">
          {request.error}
        </Typography>
      )}
      {request.revocation?.lastError && (
        <Typography variant="body2" color="error">
          Revocation not confirmed yet (attempt {request.revocation.attempts}):{' '}
          {request.revocation.lastError}. It is retried automatically.
        </Typography>
      )}
      {error && (
        <Typography variant="body2" color="error">
          {error}
        </Typography>
      )}
      {extending && (
        <ExtendAccessForm
          request={request}
          onCancel={() => setExtending(false)}
          onDone={updated => {
            setExtending(false);
            props.onChange?.(updated);
          }}
        />
      )}
      {showHistory && <AccessRequestHistory requestId={request.id} />}
    </Box>
  );
}
