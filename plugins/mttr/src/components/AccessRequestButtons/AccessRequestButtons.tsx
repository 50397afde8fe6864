import { useState } from 'react';
import { Box, Button, Menu, MenuItem } from '@material-ui/core';
import ArrowDropDownIcon from '@material-ui/icons/ArrowDropDown';
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
 * The access part of an open incident's row: a "Request access" button (a
 * menu of the targets that apply, when there are several), and the status
 * of the caller's own live requests for it. Renders nothing for resolved incidents, services
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
  const [menuAnchor, setMenuAnchor] = useState<HTMLElement | null>(null);
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
        status: ['pending', 'granting', 'active'],
      }),
    [api, entityRef, version],
  );

  // A 404 is a backend without the access feature: nothing to offer. Any
  // other failure hides the button too rather than fill a row with errors;
  // the Recovery tab's access panel shows it.
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
        {targets.value.length === 1 ? (
          <Button
            size="small"
            variant="outlined"
            color={
              targets.value[0].approval === 'break-glass'
                ? 'secondary'
                : 'primary'
            }
            onClick={() => setDialogTarget(targets.value![0].id)}
          >
            Request access: {targets.value[0].title}
          </Button>
        ) : (
          <>
            {/* One button for all targets keeps an incident row short; the
                dialog says what each target's policy is. */}
            <Button
              size="small"
              variant="outlined"
              color="primary"
              aria-haspopup="menu"
              aria-controls={`mttr-access-menu-${incident.source}-${incident.incidentId}`}
              endIcon={<ArrowDropDownIcon />}
              onClick={event => setMenuAnchor(event.currentTarget)}
            >
              Request access
            </Button>
            <Menu
              id={`mttr-access-menu-${incident.source}-${incident.incidentId}`}
              anchorEl={menuAnchor}
              keepMounted={false}
              open={Boolean(menuAnchor)}
              onClose={() => setMenuAnchor(null)}
            >
              {targets.value.map(target => (
                <MenuItem
                  key={target.id}
                  onClick={() => {
                    setMenuAnchor(null);
                    setDialogTarget(target.id);
                  }}
                >
                  {target.title}
                  {target.approval === 'break-glass' ? ' (break-glass)' : ''}
                </MenuItem>
              ))}
            </Menu>
          </>
        )}
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
