import { Entity } from '@backstage/catalog-model';

/**
 * The PagerDuty service id annotation, the convention of the existing
 * PagerDuty plugins.
 *
 * @public
 */
export const PAGERDUTY_SERVICE_ID_ANNOTATION = 'pagerduty.com/service-id';

/**
 * Comma-separated Alertmanager label matchers (`label=value`) whose alerts
 * belong to the entity.
 *
 * @public
 */
export const MTTR_ALERT_MATCHERS_ANNOTATION = 'mttr.dev/alert-matchers';

/**
 * Comma-separated mapping keys of any source (e.g. `statuspage:component=api`)
 * whose incidents belong to the entity.
 *
 * @public
 */
export const MTTR_INCIDENT_KEYS_ANNOTATION = 'mttr.dev/incident-keys';

/**
 * Comma-separated runbook URLs of the entity (besides `metadata.links` of
 * type `runbook`).
 *
 * @public
 */
export const MTTR_RUNBOOKS_ANNOTATION = 'mttr.dev/runbooks';

/**
 * Comma-separated ids of the just-in-time access targets that apply.
 *
 * @public
 */
export const MTTR_ACCESS_TARGETS_ANNOTATION = 'mttr.dev/access-targets';

/**
 * The mapping keys an entity's annotations claim: incidents carrying any of
 * them count for the entity.
 *
 * @public
 */
export function mappingKeysOfEntity(entity: Entity): string[] {
  const annotations = entity.metadata.annotations ?? {};
  const keys: string[] = [];
  const pagerDuty = annotations[PAGERDUTY_SERVICE_ID_ANNOTATION]?.trim();
  if (pagerDuty) {
    keys.push(`pagerduty:service:${pagerDuty}`);
  }
  for (const matcher of splitList(
    annotations[MTTR_ALERT_MATCHERS_ANNOTATION],
  )) {
    const [label, ...value] = matcher.split('=');
    if (label && value.length) {
      keys.push(`alertmanager:${label.trim()}=${value.join('=').trim()}`);
    }
  }
  keys.push(...splitList(annotations[MTTR_INCIDENT_KEYS_ANNOTATION]));
  return keys;
}

/**
 * Whether the entity names a source of incidents (any mapping annotation).
 *
 * @public
 */
export function hasIncidentSourceAnnotation(entity: Entity): boolean {
  return mappingKeysOfEntity(entity).length > 0;
}

/**
 * Splits a comma-separated annotation value, dropping blanks.
 *
 * @public
 */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

/**
 * True for absolute http(s) URLs: the only links the plugin ever renders.
 *
 * @public
 */
export function isSafeHttpUrl(value: string | undefined | null): boolean {
  if (!value) {
    return false;
  }
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
