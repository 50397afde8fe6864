import { useState } from 'react';
import {
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  TextField,
  Typography,
} from '@material-ui/core';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { DateTime } from 'luxon';
import useAsyncRetry from 'react-use/lib/useAsyncRetry';
import {
  AccessRequest,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import { describeError } from '../AccessRequestStatus/describeError';
import { AccessRequestStatus } from '../AccessRequestStatus';

/** @public */
export interface AccessRequestApprovalsProps {
  /** Only this entity's requests; every entity the user may approve for when absent. */
  entityRef?: string;
  /** Also list the entity's recent requests with their history. */
  showRecent?: boolean;
}

function nameOf(ref: string) {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

/**
 * Access requests waiting for the signed-in user: pending requests (and
 * extensions) they may approve, with Approve and Deny and a comment, and
 * break-glass grants waiting for their review.
 */
export function AccessRequestApprovals(props: AccessRequestApprovalsProps) {
  const api = useApi(mttrApiRef);
  const data = useAsyncRetry(async () => {
    const [toApprove, recent] = await Promise.all([
      api.listAccessRequests({ entityRef: props.entityRef, toApprove: true }),
      api.listAccessRequests({ entityRef: props.entityRef }),
    ]);
    return {
      toApprove,
      toReview: recent.filter(r => r.viewer?.canReview),
      recent: recent.slice(0, 20),
    };
  }, [api, props.entityRef]);

  if (data.loading && !data.value) return <Progress />;
  if (data.error) return <ResponseErrorPanel error={data.error} />;
  const { toApprove, toReview, recent } = data.value!;

  return (
    <Box
      component="section"
      aria-label="Access requests"
      display="flex"
      flexDirection="column"
      style={{ gap: 16 }}
    >
      <section aria-labelledby="mttr-approvals-heading">
        <Typography variant="h6" component="h2" id="mttr-approvals-heading">
          Waiting for your approval ({toApprove.length})
        </Typography>
        {toApprove.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            Nothing to approve.
          </Typography>
        ) : (
          toApprove.map(r => (
            <DecisionCard
              key={r.id}
              request={r}
              mode="approve"
              onDone={data.retry}
            />
          ))
        )}
      </section>
      {toReview.length > 0 && (
        <section aria-labelledby="mttr-reviews-heading">
          <Typography variant="h6" component="h2" id="mttr-reviews-heading">
            Break-glass grants to review ({toReview.length})
          </Typography>
          {toReview.map(r => (
            <DecisionCard
              key={r.id}
              request={r}
              mode="review"
              onDone={data.retry}
            />
          ))}
        </section>
      )}
      {props.showRecent && (
        <section aria-labelledby="mttr-recent-access-heading">
          <Typography
            variant="h6"
            component="h2"
            id="mttr-recent-access-heading"
          >
            Recent access requests
          </Typography>
          {recent.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              No access requests yet.
            </Typography>
          ) : (
            recent.map(r => (
              <Box
                key={r.id}
                display="flex"
                alignItems="center"
                style={{ gap: 8 }}
              >
                <Typography
                  variant="body2"
                  component="span"
                  color="textSecondary"
                >
                  {nameOf(r.requester)} ·{' '}
                  {DateTime.fromISO(r.createdAt).toRelative()}
                </Typography>
                <AccessRequestStatus request={r} onChange={data.retry} />
              </Box>
            ))
          )}
        </section>
      )}
    </Box>
  );
}

function DecisionCard(props: {
  request: AccessRequest;
  mode: 'approve' | 'review';
  onDone: () => void;
}) {
  const { request } = props;
  const api = useApi(mttrApiRef);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const decide = async (action: 'approve' | 'deny' | 'review') => {
    setBusy(true);
    setError(undefined);
    try {
      await api.decideAccessRequest(request.id, action, comment || undefined);
      props.onDone();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  const what = request.pendingExtension
    ? `extension to ${formatDuration(request.pendingExtension.durationMinutes * 60_000)}`
    : formatDuration(request.durationMinutes * 60_000);

  return (
    <Card
      variant="outlined"
      style={{ marginTop: 8 }}
      role="region"
      aria-label={`Request by ${request.requester}`}
    >
      <CardContent>
        <Box
          display="flex"
          flexWrap="wrap"
          alignItems="center"
          style={{ gap: 8 }}
        >
          <Typography variant="subtitle2" component="span">
            {nameOf(request.requester)} asks for{' '}
            <strong>{request.targetId}</strong> on {nameOf(request.entityRef)} ·{' '}
            {what}
          </Typography>
          {request.breakGlass && (
            <Chip size="small" color="secondary" label="BREAK-GLASS" />
          )}
          {request.status === 'pending' &&
            (request.approvalsRequired ?? 1) > 1 && (
              <Chip
                size="small"
                label={`${request.approvals.length} of ${request.approvalsRequired} approvals`}
              />
            )}
        </Box>
        <Typography variant="body2" style={{ whiteSpace: 'pre-wrap' }}>
          {request.pendingExtension?.reason ?? request.reason}
        </Typography>
        <Typography variant="caption" color="textSecondary">
          asked{' '}
          {DateTime.fromISO(
            request.pendingExtension?.requestedAt ?? request.createdAt,
          ).toRelative()}
          {request.incident
            ? ` · incident ${request.incident.source}/${request.incident.incidentId}`
            : ''}
        </Typography>
        <Box
          display="flex"
          flexWrap="wrap"
          alignItems="center"
          mt={1}
          style={{ gap: 8 }}
        >
          <TextField
            size="small"
            id={`mttr-access-comment-${request.id}`}
            label="Comment"
            value={comment}
            onChange={e => setComment(e.target.value)}
          />
          {props.mode === 'approve' ? (
            <>
              <Button
                color="primary"
                variant="contained"
                size="small"
                disabled={busy}
                onClick={() => decide('approve')}
              >
                Approve
              </Button>
              <Button
                size="small"
                variant="outlined"
                disabled={busy}
                onClick={() => decide('deny')}
              >
                Deny
              </Button>
            </>
          ) : (
            <Button
              color="primary"
              variant="contained"
              size="small"
              disabled={busy}
              onClick={() => decide('review')}
            >
              Mark reviewed
            </Button>
          )}
        </Box>
        {error && (
          <Typography variant="body2" color="error" role="alert">
            {error}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}
