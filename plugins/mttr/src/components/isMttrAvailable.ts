import { Entity } from '@backstage/catalog-model';
import { hasIncidentSourceAnnotation } from '@mttr-backstage/plugin-mttr-common';

/**
 * Whether the entity names an incident source, for `EntitySwitch` conditions
 * that show the card and tab only where they have something to say.
 *
 * @public
 */
export function isMttrAvailable(entity: Entity): boolean {
  return hasIncidentSourceAnnotation(entity);
}
