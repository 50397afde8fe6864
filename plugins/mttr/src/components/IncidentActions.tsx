import { ReactNode } from 'react';
import { Entity } from '@backstage/catalog-model';
import { Incident } from '@mttr-backstage/plugin-mttr-common';
import { AccessRequestButtons } from './AccessRequestButtons';

/**
 * What an incident row offers besides its links.
 *
 * @public
 */
export interface IncidentActionsProps {
  entity: Entity;
  incident: Incident;
}

/**
 * Renders the actions of an incident row.
 *
 * @public
 */
export type IncidentActionsRenderer = (
  props: IncidentActionsProps,
) => ReactNode;

/**
 * The actions every incident row of the card and of the Recovery tab gets,
 * unless the installer passes `incidentActions`. Features that act on an
 * incident (the just-in-time access request, for one) add their button here.
 */
export const defaultIncidentActions: IncidentActionsRenderer = props => (
  <AccessRequestButtons {...props} />
);
