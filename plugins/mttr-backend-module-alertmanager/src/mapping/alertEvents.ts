import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  IncidentAttributes,
  IncidentEvent,
  isSafeHttpUrl,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';

/** The `source` of every event this module sends. */
export const ALERTMANAGER_SOURCE = 'alertmanager';

/** One alert of Alertmanager's webhook payload (version 4). */
export interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
  fingerprint: string;
}

/** Alertmanager's webhook payload, version 4. */
export interface AlertmanagerWebhookPayload {
  version: string;
  groupKey?: string;
  status?: 'firing' | 'resolved';
  receiver?: string;
  externalURL?: string;
  alerts: AlertmanagerAlert[];
}

export interface AlertMappingOptions {
  entityLabel: string;
  severityMap: Record<string, Severity>;
}

/**
 * The incident id of one firing episode of an alert. Alertmanager keeps an
 * alert's `startsAt` for as long as it fires and gives a re-fire a new one,
 * so fingerprint and start name the episode.
 */
export function incidentIdOf(alert: AlertmanagerAlert): string {
  return `${alert.fingerprint}@${new Date(alert.startsAt).toISOString()}`;
}

/**
 * The plugin's events for a webhook payload: each alert's episode is
 * `triggered` at its `startsAt`, and `resolved` at its `endsAt` once
 * Alertmanager reports it resolved. Event ids derive from the episode, so
 * Alertmanager's repeated notifications are duplicates. A resolved alert
 * also carries its `triggered` event, in case the firing notification never
 * arrived.
 */
export function eventsFromAlertmanagerPayload(
  payload: AlertmanagerWebhookPayload,
  options: AlertMappingOptions,
): IncidentEvent[] {
  return payload.alerts.flatMap(alert => {
    const incidentId = incidentIdOf(alert);
    const incident = attributesOfAlert(alert, options);
    const events: IncidentEvent[] = [
      {
        source: ALERTMANAGER_SOURCE,
        incidentId,
        eventId: `${incidentId}/triggered`,
        type: 'triggered',
        at: new Date(alert.startsAt).toISOString(),
        incident,
      },
    ];
    const endsAtMs = alert.endsAt ? Date.parse(alert.endsAt) : NaN;
    if (alert.status === 'resolved' && Number.isFinite(endsAtMs)) {
      events.push({
        source: ALERTMANAGER_SOURCE,
        incidentId,
        eventId: `${incidentId}/resolved`,
        type: 'resolved',
        at: new Date(endsAtMs).toISOString(),
        incident,
      });
    }
    return events;
  });
}

/**
 * What the plugin keeps of an alert. Labels become `label=value` strings
 * (IncidentAttributes.labels is a list of strings, and `label=value` is how
 * definitions' excludeLabels name them, e.g. `env=staging`), and each one
 * also a mapping key `alertmanager:label=value`, which the
 * `mttr.dev/alert-matchers` annotation and stored mappings match.
 */
export function attributesOfAlert(
  alert: AlertmanagerAlert,
  options: AlertMappingOptions,
): IncidentAttributes {
  const labels = Object.entries(alert.labels)
    .map(([name, value]) => `${name}=${value}`)
    .sort();
  const annotations = alert.annotations ?? {};
  const attributes: IncidentAttributes = {
    title:
      annotations.summary?.trim() ||
      alert.labels.alertname ||
      `Alert ${alert.fingerprint}`,
    fingerprint: alert.fingerprint,
    labels,
    mappingKeys: labels.map(label => `alertmanager:${label}`),
  };
  const severity = options.severityMap[alert.labels.severity ?? ''];
  if (severity) {
    attributes.severity = severity;
  }
  if (isSafeHttpUrl(alert.generatorURL)) {
    attributes.url = alert.generatorURL;
  }
  if (isSafeHttpUrl(annotations.runbook_url)) {
    attributes.runbookUrl = annotations.runbook_url;
  }
  const entityRef = entityRefOf(alert.labels[options.entityLabel]);
  if (entityRef) {
    attributes.entityRefs = [entityRef];
  }
  return attributes;
}

/**
 * The entity ref a label names (`payments-api`, `component:payments-api`,
 * `component:default/payments-api`), or undefined when it is not one: a
 * bad label must not make Alertmanager's whole batch fail.
 */
function entityRefOf(value: string | undefined): string | undefined {
  if (!value?.trim()) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(value.trim(), {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}
