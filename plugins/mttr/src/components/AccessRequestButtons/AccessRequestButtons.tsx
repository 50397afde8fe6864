import { useState } from 'react';
import { Box, Button } from '@material-ui/core';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  AccessRequest,
  MTTR_ACCESS_TARGETS_ANNOTATION,
  splitList,
} from '@mttr-backstage/plugin-mttr-common';
import useAsync from 'react-use/lib/useAsync';
import { mttrApiRef } from '../../api';
import { IncidentActionsProps } from '../IncidentActions';
import { AccessRequestDialog } from '../AccessRequestDialog';
import { AccessRequestStatus } from '../AccessRequestStatus';

/**
 * The access part of an open incident's row: a "Request access" button per
 * target that applies to the service, and the status of the caller's own
 * live requests for it. Renders nothing for resolved incidents, services
 * without targets, or a backend without the access feature.
 */
export function AccessRequestButtons(props: IncidentActionsProps) {
  const { entity, incident } = props;
  const hasTargets =
    splitList(entity.metadata.annotations?.[MTTR_ACCESS_TARGETS_ANNOTATION])
      .length > 0;
  if (!hasTargets || incident.status === 'resolved') {
    return null;
  }
  return <AccessRequestButtonsForEntity {...props} />;
}

function AccessRequestButtonsForEntity(props: IncidentActionsProps) {
  const { entity, incident } = props;
  const api = useApi(mttrApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [dialogTarget, setDialogTarget] = useState<string>();
  const [version, setVersion] = useState(0);
  const [created, setCreated] = useState<AccessRequest[]>([]);

  const targets = useAsync(
    () => api.getAccessTargets(entityRef),
    [api, entityRef],
  );
  const mine = useAsync(
    () =>
      api.listAccessRequests({
        entityRef,
        mine: true,
        status: ['pending', 'active'],
      }),
    [api, entityRef, version],
  );

  if (targets.error || !targets.value?.length) {
    return null;
  }
  const forThisIncident = (r: AccessRequest) =>
    !r.incident ||
    (r.incident.source === incident.source &&
      r.incident.incidentId === incident.incidentId);
  const live = [
    ...created.filter(c => !(mine.value ?? []).some(m => m.id === c.id)),
    ...(mine.value ?? []),
  ].filter(forThisIncident);
  const titleOf = (id: string) =>
    targets.value!.find(t => t.id === id)?.title ?? id;

  return (
    <Box display="flex" flexDirection="column" width="100%">
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        {targets.value.map(target => (
          <Button
            key={target.id}
            size="small"
            variant="outlined"
            color={target.approval === 'break-glass' ? 'secondary' : 'primary'}
            aria-label={`Request access: ${target.title}`}
            onClick={() => setDialogTarget(target.id)}
          >
            Request access: {target.title}
          </Button>
        ))}
      </Box>
      {live.map(request => (
        <AccessRequestStatus
          key={request.id}
          request={request}
          targetTitle={titleOf(request.targetId)}
          onChange={updated => {
            setCreated(cs => cs.map(c => (c.id === updated.id ? updated : c)));
            setVersion(v => v + 1);
          }}
        />
      ))}
      {dialogTarget && (
        <AccessRequestDialog
          open
          onClose={() => setDialogTarget(undefined)}
          entityRef={entityRef}
          targets={targets.value}
          initialTargetId={dialogTarget}
          incident={incident}
          onCreated={request => {
            setCreated(cs => [request, ...cs]);
            setVersion(v => v + 1);
          }}
        />
      )}
    </Box>
  );
}
