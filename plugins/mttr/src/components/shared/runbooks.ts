import { Entity } from '@backstage/catalog-model';
import {
  MTTR_RUNBOOKS_ANNOTATION,
  splitList,
} from '@mttr-backstage/plugin-mttr-common';

/** A runbook of an entity, as listed; `url` may be anything a person typed. */
export interface Runbook {
  title: string;
  url: string;
}

/**
 * The entity's runbooks: `metadata.links` of type `runbook`, then the URLs of
 * the `mttr.dev/runbooks` annotation, without duplicates. Nothing is checked
 * here: the views decide what may become a link.
 */
export function runbooksOf(entity: Entity): Runbook[] {
  const runbooks: Runbook[] = [];
  const seen = new Set<string>();
  for (const link of entity.metadata.links ?? []) {
    if (link.type === 'runbook' && link.url && !seen.has(link.url)) {
      seen.add(link.url);
      runbooks.push({ title: link.title ?? link.url, url: link.url });
    }
  }
  for (const url of splitList(
    entity.metadata.annotations?.[MTTR_RUNBOOKS_ANNOTATION],
  )) {
    if (!seen.has(url)) {
      seen.add(url);
      runbooks.push({ title: url, url });
    }
  }
  return runbooks;
}
