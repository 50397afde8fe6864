/**
 * The levers that move recovery (post-incident reviews, drills, automation,
 * time to access), per service, next to the figures they move. How each
 * is computed: docs/improvement-levers.md.
 */

/**
 * Incident attribute `review`: the post-incident review.
 *
 * @public
 */
export interface IncidentReview {
  url?: string;
  status: 'none' | 'scheduled' | 'draft' | 'published';
  /** ISO 8601 with offset; when the review was published. */
  publishedAt?: string;
}

/**
 * Incident attribute `actionItems`: the review's follow-up actions.
 *
 * @public
 */
export interface IncidentActionItems {
  open: number;
  done: number;
}

/**
 * The levers of an entity (or group, or bucket) under a definition and
 * window. Counts are integers, shares and coverage exact ratios, durations
 * milliseconds; every field is present, null where there is nothing to
 * measure.
 *
 * @public
 */
export interface RecoveryLevers {
  reviews: {
    /** Incidents due a review (recovered in the window, severity in reviews.severities). */
    due: number;
    /** Of those, published no later than recovery + reviews.dueWithin. */
    published: number;
    /** published / due; null when none is due. */
    coverage: number | null;
    /** Median of publishedAt - recovery over the due incidents with a published review. */
    medianTimeToPublishMs: number | null;
    /** Sum of actionItems.open over the window's incidents. */
    openActionItems: number;
    /** Incidents of the window that repeat a reviewed problem after its review. */
    repeatsAfterReview: number;
  };
  drills: { count: number; recovered: number; medianMs: number | null };
  automation: {
    count: number;
    /** count / the definition's count; null when that is 0. */
    share: number | null;
    medianMs: number | null;
    manualMedianMs: number | null;
  };
  access: {
    incidentsWithAccess: number;
    medianTimeToAccessMs: number | null;
    breakGlass: number;
  };
}

/**
 * An incident due a review that has none published in time, as listed by
 * `GET /api/mttr/metrics/levers`.
 *
 * @public
 */
export interface UnreviewedIncident {
  source: string;
  incidentId: string;
  title?: string;
  severity?: string;
  url?: string;
  /** ISO 8601: the recovery the review was due after. */
  recoveredAt: string;
  /** ISO 8601: recovery + reviews.dueWithin. */
  dueAt: string;
  review?: IncidentReview;
}

/**
 * `GET /api/mttr/metrics/levers?entityRef=&definition=&from=&to=`: the
 * levers of one entity, with the due incidents not yet reviewed.
 *
 * @public
 */
export interface LeversResponse {
  entityRef: string;
  definition: string;
  from: string;
  to: string;
  levers: RecoveryLevers;
  /** Due incidents without a review published in time, latest recovery first. */
  unreviewed: UnreviewedIncident[];
}

/**
 * The levers of a window with nothing to measure.
 *
 * @public
 */
export function emptyLevers(): RecoveryLevers {
  return {
    reviews: {
      due: 0,
      published: 0,
      coverage: null,
      medianTimeToPublishMs: null,
      openActionItems: 0,
      repeatsAfterReview: 0,
    },
    drills: { count: 0, recovered: 0, medianMs: null },
    automation: { count: 0, share: null, medianMs: null, manualMedianMs: null },
    access: {
      incidentsWithAccess: 0,
      medianTimeToAccessMs: null,
      breakGlass: 0,
    },
  };
}
