import { Fragment, ReactNode } from 'react';
import { Entity } from '@backstage/catalog-model';
import { Incident } from '@mttr-backstage/plugin-mttr-common';

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
 * A feature that acts on incidents, passed to the card and the Recovery tab
 * (`incidentActions`): a part for each incident row, and optionally one
 * part for the whole entity on the Recovery tab. The just-in-time access
 * request is one (`accessIncidentActions`).
 *
 * @public
 */
export interface IncidentAction {
  /** Rendered in each incident row of the card and of the Recovery tab. */
  renderForIncident: IncidentActionsRenderer;
  /** Rendered once on the Recovery tab, below the incidents. */
  renderForEntity?: (props: { entity: Entity }) => ReactNode;
}

/** The row parts of every action, side by side. */
export function IncidentRowActions(
  props: IncidentActionsProps & { actions: IncidentAction[] },
) {
  const { actions, ...row } = props;
  return (
    <>
      {actions.map((action, index) => (
        <Fragment key={index}>{action.renderForIncident(row)}</Fragment>
      ))}
    </>
  );
}
