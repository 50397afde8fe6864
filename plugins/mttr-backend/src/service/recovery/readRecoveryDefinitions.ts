import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  DEFAULT_RECOVERY_DEFINITION,
  RecoveryDefinition,
  SEVERITIES,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';

/** The recovery definitions in force, and the one shown first. */
export interface RecoveryDefinitions {
  definitions: RecoveryDefinition[];
  defaultDefinition: string;
}

function oneOf<T extends string>(
  config: Config,
  key: string,
  path: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = config.getOptionalString(key);
  if (value === undefined) {
    return fallback;
  }
  if (!allowed.includes(value as T)) {
    throw new Error(
      `Invalid config at ${path}.${key}: '${value}' is not one of ${allowed
        .map(a => `'${a}'`)
        .join(', ')}`,
    );
  }
  return value as T;
}

/** A Backstage duration (`2m`, `24h`, `P1D`, `{ hours: 24 }`) in milliseconds. */
function duration(
  config: Config,
  key: string,
  path: string,
): number | undefined {
  if (!config.has(key)) {
    return undefined;
  }
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (error) {
    // The definition's config has no path of its own: name the full key.
    throw new Error(
      `Invalid config at ${path}.${key}: ${(error as Error).message}`,
    );
  }
  if (ms <= 0) {
    throw new Error(
      `Invalid config at ${path}.${key}: must be longer than zero`,
    );
  }
  return ms;
}

/**
 * Reads `mttr.definitions` and `mttr.defaultDefinition`. A definition that
 * cannot work stops start-up with a message naming its key. Without any
 * definitions configured, one default ("Time to resolve") applies.
 */
export function readRecoveryDefinitions(config: Config): RecoveryDefinitions {
  const configs = config.getOptionalConfigArray('mttr.definitions');
  if (!configs || configs.length === 0) {
    const defaultDefinition =
      config.getOptionalString('mttr.defaultDefinition') ??
      DEFAULT_RECOVERY_DEFINITION.id;
    if (defaultDefinition !== DEFAULT_RECOVERY_DEFINITION.id) {
      throw new Error(
        `Invalid config at mttr.defaultDefinition: '${defaultDefinition}' names no definition in mttr.definitions`,
      );
    }
    return {
      definitions: [DEFAULT_RECOVERY_DEFINITION],
      defaultDefinition,
    };
  }

  const definitions = configs.map((c, index) => {
    const path = `mttr.definitions[${index}]`;
    const id = c.getString('id');
    if (!/^[a-z0-9][a-z0-9-_]*$/i.test(id)) {
      throw new Error(
        `Invalid config at ${path}.id: '${id}' must be letters, digits, '-' or '_'`,
      );
    }
    const severities = c.getOptionalStringArray('severities');
    if (severities) {
      if (severities.length === 0) {
        throw new Error(
          `Invalid config at ${path}.severities: an empty list would count nothing; leave it out to count all`,
        );
      }
      for (const [i, s] of severities.entries()) {
        if (!SEVERITIES.includes(s as Severity)) {
          throw new Error(
            `Invalid config at ${path}.severities[${i}]: '${s}' is not one of ${SEVERITIES.join(
              ', ',
            )}`,
          );
        }
      }
    }
    const definition: RecoveryDefinition = {
      id,
      title: c.getString('title'),
      description: c.getOptionalString('description'),
      start: oneOf(c, 'start', path, ['triggered', 'impact'], 'triggered'),
      end: oneOf(c, 'end', path, ['resolved', 'mitigated'], 'resolved'),
      reopens: oneOf(c, 'reopens', path, ['extend', 'separate'], 'extend'),
      recurrenceWindowMs: duration(c, 'recurrenceWindow', path),
      severities: severities as Severity[] | undefined,
      excludeLabels: c.getOptionalStringArray('excludeLabels') ?? [],
      minDurationMs: duration(c, 'minDuration', path),
    };
    return definition;
  });

  const seen = new Set<string>();
  definitions.forEach((d, index) => {
    if (seen.has(d.id)) {
      throw new Error(
        `Invalid config at mttr.definitions[${index}].id: '${d.id}' is used twice`,
      );
    }
    seen.add(d.id);
  });

  const defaultDefinition =
    config.getOptionalString('mttr.defaultDefinition') ?? definitions[0].id;
  if (!seen.has(defaultDefinition)) {
    throw new Error(
      `Invalid config at mttr.defaultDefinition: '${defaultDefinition}' names no definition in mttr.definitions`,
    );
  }
  return { definitions, defaultDefinition };
}
