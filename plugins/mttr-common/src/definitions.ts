import { Severity } from './events';

/**
 * A recovery definition: what an organisation counts as the start and end
 * of a recovery, and which incidents it leaves out. Configured under
 * `mttr.definitions`; this is the parsed form the backend works with and
 * the API answers.
 *
 * @public
 */
export interface RecoveryDefinition {
  id: string;
  title: string;
  description?: string;
  /** `triggered`: the first triggered event; `impact`: `impactStartedAt` where known. */
  start: 'triggered' | 'impact';
  /** `resolved`: first resolved; `mitigated`: first mitigated or resolved. */
  end: 'resolved' | 'mitigated';
  /** `extend`: a reopen extends the incident; `separate`: each cycle is its own unit. */
  reopens: 'extend' | 'separate';
  /** Milliseconds; incidents of the same fingerprint starting within this after a recovery are folded in. */
  recurrenceWindowMs?: number;
  /** Only these severities count; undefined means all (including none). */
  severities?: Severity[];
  /** Incidents carrying any of these labels are left out (e.g. `drill`). */
  excludeLabels: string[];
  /** Recovered units shorter than this are left out and counted as excluded. */
  minDurationMs?: number;
}

/**
 * The answer of `GET /api/mttr/definitions`.
 *
 * @public
 */
export interface DefinitionsResponse {
  defaultDefinition: string;
  items: RecoveryDefinition[];
}

/**
 * The definition used when `mttr.definitions` is not configured.
 *
 * @public
 */
export const DEFAULT_RECOVERY_DEFINITION: RecoveryDefinition = {
  id: 'resolved',
  title: 'Time to resolve',
  description:
    'From the first trigger to full resolution; a reopen extends the incident.',
  start: 'triggered',
  end: 'resolved',
  reopens: 'extend',
  excludeLabels: [],
};
