import { Config } from '@backstage/config';
import { SEVERITIES, Severity } from '@mttr-backstage/plugin-mttr-common';

/** `mttr.alertmanager`, read and checked once at start-up. */
export interface AlertmanagerModuleConfig {
  /** The bearer token Alertmanager sends; undefined refuses every call. */
  token?: string;
  /** The label holding an entity ref. */
  entityLabel: string;
  /** `severity` label value → severity. */
  severityMap: Record<string, Severity>;
}

/** The usual Prometheus severity label values, most urgent first. */
export const DEFAULT_SEVERITY_MAP: Record<string, Severity> = {
  critical: 'sev1',
  error: 'sev2',
  warning: 'sev3',
  info: 'sev4',
};

export const DEFAULT_ENTITY_LABEL = 'backstage_entity';

/**
 * Reads `mttr.alertmanager`. Throws naming the key when a value is wrong.
 */
export function readAlertmanagerConfig(
  rootConfig: Config,
): AlertmanagerModuleConfig {
  const config = rootConfig.getOptionalConfig('mttr.alertmanager');
  const token = config?.getOptionalString('token')?.trim() || undefined;
  const entityLabel =
    config?.getOptionalString('entityLabel')?.trim() || DEFAULT_ENTITY_LABEL;
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(entityLabel)) {
    throw new Error(
      `Invalid config at mttr.alertmanager.entityLabel: '${entityLabel}' is not a Prometheus label name`,
    );
  }

  let severityMap = DEFAULT_SEVERITY_MAP;
  const mapConfig = config?.getOptionalConfig('severityMap');
  if (mapConfig) {
    // A configured map replaces the default, so that a label value can
    // also be left unmapped on purpose.
    severityMap = {};
    for (const value of mapConfig.keys()) {
      const severity = mapConfig.getString(value);
      if (!(SEVERITIES as readonly string[]).includes(severity)) {
        throw new Error(
          `Invalid config at mttr.alertmanager.severityMap.${value}: '${severity}' is not one of ${SEVERITIES.join(', ')}`,
        );
      }
      severityMap[value] = severity as Severity;
    }
  }
  return { token, entityLabel, severityMap };
}
