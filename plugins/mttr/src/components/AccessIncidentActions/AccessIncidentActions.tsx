import { Box } from '@material-ui/core';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  MTTR_ACCESS_TARGETS_ANNOTATION,
  splitList,
} from '@mttr-backstage/plugin-mttr-common';
import useAsync from 'react-use/lib/useAsync';
import { mttrApiRef } from '../../api';
import { AccessRequestApprovals } from '../AccessRequestApprovals';
import { AccessRequestButtons } from '../AccessRequestButtons';
import { isNotFound } from '../AccessRequestStatus/describeError';
import { IncidentAction } from '../IncidentActions';

/** Whether any just-in-time access target applies to the entity. */
function hasAccessTargets(entity: Entity): boolean {
  return (
    splitList(entity.metadata.annotations?.[MTTR_ACCESS_TARGETS_ANNOTATION])
      .length > 0
  );
}

/**
 * The access requests of the entity (to approve, to review, recent), on the
 * Recovery tab. Hidden for entities without access targets and when the
 * backend has no just-in-time access (its access routes answer 404).
 */
function AccessEntityPanel(props: { entity: Entity }) {
  if (!hasAccessTargets(props.entity)) {
    return null;
  }
  return <AccessEntityPanelForTargets {...props} />;
}

function AccessEntityPanelForTargets(props: { entity: Entity }) {
  const api = useApi(mttrApiRef);
  const entityRef = stringifyEntityRef(props.entity);
  const targets = useAsync(
    () => api.getAccessTargets(entityRef),
    [api, entityRef],
  );
  if (targets.loading || isNotFound(targets.error)) {
    return null;
  }
  return (
    <Box mt={2}>
      <InfoCard title="Just-in-time access">
        <AccessRequestApprovals entityRef={entityRef} showRecent />
      </InfoCard>
    </Box>
  );
}

/**
 * Just-in-time production access as incident actions: on an open incident's
 * row, "Request access" and the caller's live requests; on the Recovery tab,
 * the requests to approve and review. The card and the tab use it unless
 * given other `incidentActions`; pass `[]` to leave access out. Hidden by
 * itself where no access target applies or the backend has no access
 * configured.
 *
 * @public
 */
export const accessIncidentActions: IncidentAction = {
  renderForIncident: props => <AccessRequestButtons {...props} />,
  renderForEntity: props => <AccessEntityPanel {...props} />,
};
