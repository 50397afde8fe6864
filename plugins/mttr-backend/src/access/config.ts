import { Config, readDurationFromConfig } from '@backstage/config';
import {
  AccessApprovalPolicy,
  AccessTarget,
  OnCallEntry,
} from '@mttr-backstage/plugin-mttr-common';
import { durationToMilliseconds, JsonObject } from '@backstage/types';

/**
 * A target as the backend knows it: the public shape plus what only the
 * server may see (provider and its settings).
 */
export interface AccessTargetConfig extends AccessTarget {
  provider: string;
  settings: JsonObject;
  pendingTimeoutMs: number;
  /** Distinct approvers needed by the `approver` policy (and by fallbacks). */
  approvalsRequired: number;
  /** For `auto-on-call`: only these escalation levels are granted at once. */
  escalationLevels?: number[];
}

export interface AccessConfig {
  targets: Map<string, AccessTargetConfig>;
  /** How often the expiry task runs, on every replica. */
  expiryCheckIntervalMs: number;
  /** How long a revocation lease lasts unless its holder renews it. */
  revocationLeaseMs: number;
}

/**
 * The longest a grant stays active past its expiry with one replica killed
 * at any moment: the next tick after the expiry (one interval), the dead
 * holder's lease (one lease), the next tick of a live replica after that
 * (one interval). The provider's revoke call starts within this bound.
 */
export function worstExpiryDelayMs(config: AccessConfig): number {
  return 2 * config.expiryCheckIntervalMs + config.revocationLeaseMs;
}

const POLICIES: AccessApprovalPolicy[] = [
  'auto-on-call',
  'approver',
  'auto',
  'break-glass',
];

/**
 * A duration as Backstage reads it (`readDurationFromConfig`): `30m`, `4h`,
 * `1d` and other `ms`-style texts, ISO 8601 (`PT30M`), or an object
 * (`{ minutes: 30 }`). Absent: the fallback (in milliseconds), else an
 * error naming the key.
 */
function readDuration(
  config: Config | undefined,
  key: string,
  path: string,
  fallbackMs?: number,
): number {
  if (!config?.has(key)) {
    if (fallbackMs === undefined) {
      throw new Error(`Missing required config value at '${path}.${key}'`);
    }
    return fallbackMs;
  }
  const raw = config.getOptional(key);
  const invalid = () =>
    new Error(
      `Invalid duration ${typeof raw === 'string' ? `'${raw}' ` : ''}at '${path}.${key}': use e.g. 30m, 4h or 1d`,
    );
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch {
    throw invalid();
  }
  if (!Number.isFinite(ms) || ms <= 0) throw invalid();
  return ms;
}

function wholeMinutes(ms: number, path: string): number {
  if (ms % 60_000 !== 0) {
    throw new Error(`'${path}' must be a whole number of minutes`);
  }
  return ms / 60_000;
}

/**
 * Reads `mttr.access`. Throws naming the key on any bad value, so that the
 * plugin refuses to start with a half-understood policy.
 */
export function readAccessConfig(root: Config): AccessConfig {
  const targets = new Map<string, AccessTargetConfig>();
  const access = root.getOptionalConfig('mttr.access');
  const list = access?.getOptionalConfigArray('targets') ?? [];
  list.forEach((target, index) => {
    const path = `mttr.access.targets[${index}]`;
    const id = target.getString('id');
    if (!/^[a-z0-9][a-z0-9-_.]*$/i.test(id)) {
      throw new Error(`Invalid target id '${id}' at '${path}.id'`);
    }
    if (targets.has(id)) {
      throw new Error(`Duplicate target id '${id}' at '${path}.id'`);
    }
    const maxMs = readDuration(target, 'maxDuration', path);
    const defaultMs = readDuration(target, 'defaultDuration', path, maxMs);
    if (defaultMs > maxMs) {
      throw new Error(
        `'${path}.defaultDuration' is longer than '${path}.maxDuration'`,
      );
    }
    const policy = target.getString('approval.policy');
    if (!POLICIES.includes(policy as AccessApprovalPolicy)) {
      throw new Error(
        `Invalid approval policy '${policy}' at '${path}.approval.policy': use one of ${POLICIES.join(', ')}`,
      );
    }
    const approvals = target.getOptionalNumber('approval.approvals') ?? 1;
    if (!Number.isInteger(approvals) || approvals < 1) {
      throw new Error(
        `'${path}.approval.approvals' must be a whole number of at least 1`,
      );
    }
    const levels = target.getOptional<number[]>('approval.escalationLevels');
    if (
      levels !== undefined &&
      (!Array.isArray(levels) ||
        levels.some(l => !Number.isInteger(l) || l < 1))
    ) {
      throw new Error(
        `'${path}.approval.escalationLevels' must be a list of whole numbers from 1`,
      );
    }
    targets.set(id, {
      id,
      title: target.getOptionalString('title') ?? id,
      description: target.getOptionalString('description'),
      maxDurationMinutes: wholeMinutes(maxMs, `${path}.maxDuration`),
      defaultDurationMinutes: wholeMinutes(
        defaultMs,
        `${path}.defaultDuration`,
      ),
      requireOpenIncident:
        target.getOptionalBoolean('requireOpenIncident') ?? true,
      approval: policy as AccessApprovalPolicy,
      provider: target.getString('provider'),
      settings: (target.getOptional<JsonObject>('settings') ??
        {}) as JsonObject,
      pendingTimeoutMs: readDuration(target, 'pendingTimeout', path, 3_600_000),
      approvalsRequired: approvals,
      escalationLevels: levels,
    });
  });
  const seconds = (key: string, fallbackMs: number) => {
    const ms = readDuration(access, key, 'mttr.access', fallbackMs);
    if (ms < 1000) {
      throw new Error(
        `Invalid duration '${access!.getOptional(key)}' at 'mttr.access.${key}': at least 1s, e.g. ${fallbackMs / 1000}s`,
      );
    }
    return ms;
  };
  const expiryCheckIntervalMs = seconds('expiryCheckInterval', 10_000);
  const revocationLeaseMs = seconds('revocationLease', 20_000);
  return { targets, expiryCheckIntervalMs, revocationLeaseMs };
}

/**
 * Reads `mttr.onCall.schedules`: the built-in, config-driven on-call lookup
 * for demos and tests.
 */
export function readOnCallSchedules(root: Config): Map<string, OnCallEntry[]> {
  const schedules = new Map<string, OnCallEntry[]>();
  const list = root.getOptionalConfigArray('mttr.onCall.schedules') ?? [];
  list.forEach((schedule, index) => {
    const path = `mttr.onCall.schedules[${index}]`;
    const entityRef = schedule
      .getString('entityRef')
      .toLocaleLowerCase('en-US');
    const entries = schedule.getConfigArray('onCall').map((entry, i) => {
      const level = entry.getOptionalNumber('escalationLevel') ?? 1;
      if (!Number.isInteger(level) || level < 1) {
        throw new Error(
          `'${path}.onCall[${i}].escalationLevel' must be a whole number from 1`,
        );
      }
      const user = entry.getOptionalString('user');
      return {
        userRef: user?.toLocaleLowerCase('en-US'),
        name: entry.getOptionalString('name') ?? user ?? 'unknown',
        email: entry.getOptionalString('email'),
        escalationLevel: level,
      } satisfies OnCallEntry;
    });
    schedules.set(entityRef, [...(schedules.get(entityRef) ?? []), ...entries]);
  });
  return schedules;
}
