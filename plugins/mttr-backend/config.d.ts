import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Configuration of the mttr backend plugin (incident recovery metrics).
   */
  mttr?: {
    /**
     * The recovery definitions: what counts as the start and the end of a
     * recovery, and which incidents are left out. Every figure the plugin
     * shows is computed under one of them. Without this key the plugin uses a
     * single definition `resolved` (first trigger to resolution, reopens
     * extend). Changing a definition re-derives its figures at the next start.
     * @visibility frontend
     */
    definitions?: Array<{
      /**
       * A stable id (letters, digits, `-` and `_`), used in URLs and stored
       * with the derived figures, e.g. `resolved`.
       * @visibility frontend
       */
      id: string;
      /**
       * The name shown with every figure, e.g. `Time to resolve`.
       * @visibility frontend
       */
      title: string;
      /**
       * A sentence explaining what the definition measures.
       * @visibility frontend
       */
      description?: string;
      /**
       * Where a recovery starts: `triggered` (default) is the incident's first
       * triggered event; `impact` is its `impactStartedAt` where it has one,
       * else its first triggered event. An incident without a triggered event
       * starts at its earliest event.
       * @visibility frontend
       */
      start?: 'triggered' | 'impact';
      /**
       * Where a recovery ends: `resolved` (default) is the first resolved
       * event of the cycle; `mitigated` is the first mitigated or resolved
       * event, whichever comes first.
       * @visibility frontend
       */
      end?: 'resolved' | 'mitigated';
      /**
       * What a reopen does: `extend` (default) keeps the incident one unit,
       * from its start to the recovery of its last cycle, counted as reopened;
       * `separate` makes each cycle its own unit, starting at the reopen.
       * @visibility frontend
       */
      reopens?: 'extend' | 'separate';
      /**
       * A duration such as `24h`, `PT24H` or `{ hours: 24 }` (off by
       * default; any Backstage duration): per entity, an incident
       * with the same non-empty fingerprint that starts within this window
       * after the previous one recovered is folded into it as a reopen
       * ("temporarily fixed, then it came back").
       * @visibility frontend
       */
      recurrenceWindow?: HumanDuration | string;
      /**
       * Only incidents of these severities count (`sev1` .. `sev5`); all
       * severities, and incidents without one, count by default.
       * @visibility frontend
       */
      severities?: Array<'sev1' | 'sev2' | 'sev3' | 'sev4' | 'sev5'>;
      /**
       * Incidents carrying any of these labels are left out, e.g. `drill` for
       * game days.
       * @visibility frontend
       */
      excludeLabels?: string[];
      /**
       * A duration such as `2m`, `90s` or `{ minutes: 2 }` (any Backstage
       * duration): recovered units shorter than this are left
       * out of the figures and counted as `excluded` (flapping alerts).
       * @visibility frontend
       */
      minDuration?: HumanDuration | string;
    }>;
    /**
     * The id of the definition shown first; defaults to the first one.
     * @visibility frontend
     */
    defaultDefinition?: string;
    /**
     * The times the plugin takes as plausible. Events dated outside this
     * range (`at`, `impactStartedAt`) and read windows (`from`, `to`)
     * reaching outside it are refused with a 400 naming the field and the
     * range: one resolve dated 9999-12-31 would otherwise turn a service's
     * mean time to recovery into centuries.
     */
    plausibleTimes?: {
      /**
       * The earliest time accepted, ISO 8601 with an offset; default
       * `2000-01-01T00:00:00Z`.
       */
      earliest?: string;
      /**
       * How far after now a time may lie (clock skew of the senders), a
       * Backstage duration such as `1h`, `1d`, `PT1H` or `{ hours: 1 }`;
       * default `1d`.
       */
      maxAhead?: HumanDuration | string;
    };
    /**
     * The change failure rules (deployments beside MTTR; see
     * docs/change-failure.md). Read once at start-up.
     */
    changeFailure?: {
      /**
       * Only deployments to these environments count (default
       * `[production]`).
       */
      environments?: string[];
      /**
       * How long after a deployment went live an incident of the same entity
       * without `causedBy` is linked to it (when it is the entity's latest
       * live deployment): a duration such as `24h`, `PT24H` or
       * `{ hours: 24 }` (default `24h`), or `off` for no window links.
       */
      linkWindow?: HumanDuration | string;
      /**
       * Upper bounds (inclusive, as ratios) of the change failure rate
       * bands; above `medium` is `low`. Defaults from the 2023 State of
       * DevOps report: elite 0.05, high 0.1, medium 0.15.
       */
      bands?: {
        /** Elite up to this rate (default 0.05). */
        elite?: number;
        /** High up to this rate (default 0.1). */
        high?: number;
        /** Medium up to this rate (default 0.15). */
        medium?: number;
      };
    };
    /** The comparison of every entity (`/metrics/comparison`). */
    comparison?: {
      /**
       * How long the comparison of every entity is kept and served from
       * memory without a full read, e.g. `60s` (the default). This
       * backend's own writes update it at once; writes of other backends
       * sharing the database show after at most this long (it is read again
       * in the background at half of it). A Backstage duration such as
       * `60s`, `PT1M` or `{ seconds: 60 }`.
       */
      snapshotMaxAge?: HumanDuration | string;
    };
    /**
     * The levers of recovery (docs/improvement-levers.md): post-incident
     * reviews, drills, automated remediation and time to access, shown
     * beside the recovery figures.
     */
    levers?: {
      /** Post-incident reviews. */
      reviews?: {
        /**
         * The severities whose incidents are due a review once recovered;
         * default `[sev1, sev2]`.
         */
        severities?: Array<'sev1' | 'sev2' | 'sev3' | 'sev4' | 'sev5'>;
        /**
         * How long after its recovery an incident's review counts as
         * published in time, a Backstage duration such as `7d`, `P7D` or
         * `{ days: 7 }`; default `7d`.
         */
        dueWithin?: HumanDuration | string;
      };
      /** Drills and game days. */
      drills?: {
        /**
         * Labels that make an incident a drill, measured apart (even when
         * the definition's excludeLabels leave it out); default
         * `[drill, game-day]`. The Recovery tab reads them too, to mark
         * the incidents they put among the drills.
         * @visibility frontend
         */
        labels?: string[];
      };
      /** Automated remediation. */
      automation?: {
        /**
         * Labels of incidents that were remediated automatically; default
         * `[auto-remediated]`. The Recovery tab reads them too, to mark
         * the incidents they put among the automated ones.
         * @visibility frontend
         */
        labels?: string[];
      };
    };
    /**
     * How many heavy reads (every comparison by entity or by owner, series
     * over more than 90 days) run at once. Each holds the event loop in
     * slices; with several in flight a health check waits for a slice of
     * each, so the others wait their turn in arrival order.
     */
    heavyReads?: {
      /**
       * Heavy reads running at once; default 1 on SQLite (whose queries run
       * on the event loop) and 2 on PostgreSQL and MySQL.
       */
      concurrency?: number;
      /**
       * Heavy reads that may wait for their turn, default 64; beyond them a
       * heavy read answers 503 with `Retry-After: 5`.
       */
      maxWaiting?: number;
    };
    /**
     * Just-in-time production access for on-call engineers (src/access).
     * Not started (no tables, no expiry task; its routes answer 404) unless
     * `targets` lists at least one target.
     *
     * Durations (`maxDuration`, `defaultDuration`, `pendingTimeout`,
     * `expiryCheckInterval`, `revocationLease`) are read as Backstage reads
     * durations: `30m`, `4h`, `1d` and other `ms`-style texts, ISO 8601
     * (`PT30M`), or an object such as `{ minutes: 30 }`. A bare number in a
     * text (`'30'`) means milliseconds.
     */
    access?: {
      /**
       * The targets access may be requested to. An entity lists the ones
       * that apply in its `mttr.dev/access-targets` annotation.
       */
      targets?: Array<{
        /** A stable id, as listed in the annotation, e.g. `prod-db-readonly`. */
        id: string;
        /** The name shown in the request dialog. */
        title?: string;
        /** A sentence saying what the access allows. */
        description?: string;
        /** The longest grant, e.g. `4h`, counted from the first grant (extensions included). */
        maxDuration: string | HumanDuration;
        /** The duration the dialog proposes; defaults to `maxDuration`. */
        defaultDuration?: string | HumanDuration;
        /** The id of the access provider: `webhook`, `record-only` or one added by a module. */
        provider: string;
        /**
         * The provider's settings. For `webhook`: `url`, `secret` (HMAC-SHA256
         * key, at least 16 characters), and optionally `attempts` (default 4),
         * `backoffMs` (default 500) and `timeoutMs` (default 10000).
         * @deepVisibility secret
         */
        settings?: { [key: string]: unknown };
        /** Whether access is tied to an open incident of the entity (default true). */
        requireOpenIncident?: boolean;
        /** How long a request may stay undecided before it lapses (default `1h`). */
        pendingTimeout?: string | HumanDuration;
        /** Who decides. */
        approval: {
          /**
           * `auto-on-call`: granted at once when the requester is on call for
           * the entity and it has an open incident, else approvers decide;
           * `approver`: always approved by someone else; `auto`: granted at
           * once (low-risk targets); `break-glass`: granted at once, flagged,
           * and reviewed by an owner afterwards.
           */
          policy: 'auto-on-call' | 'approver' | 'auto' | 'break-glass';
          /** For `auto-on-call`: only these escalation levels are granted at once (all by default). */
          escalationLevels?: number[];
          /** How many distinct approvers must approve (default 1). */
          approvals?: number;
        };
      }>;
      /**
       * How often every replica looks for grants past their expiry (and for
       * undecided requests to lapse), default `10s`. With one replica killed,
       * a grant's revocation starts at most twice this plus
       * `revocationLease` after its expiry (40 s with the defaults).
       */
      expiryCheckInterval?: string | HumanDuration;
      /**
       * How long the replica revoking a grant holds it without renewing
       * (default `20s`; renewed every third of it while the provider call
       * runs). When that replica dies, another takes the revocation over
       * this long after its last renewal.
       */
      revocationLease?: string | HumanDuration;
    };
    /**
     * Who is on call, for the built-in lookup (demos and tests). A module
     * such as the PagerDuty one replaces it.
     */
    onCall?: {
      schedules?: Array<{
        /** The entity, e.g. `component:default/checkout-web`. */
        entityRef: string;
        /** Who is on call for it now. */
        onCall: Array<{
          /** The user entity ref, e.g. `user:default/guest`. */
          user?: string;
          /** The name shown. */
          name?: string;
          email?: string;
          /** 1 is the first responder (default 1). */
          escalationLevel?: number;
        }>;
      }>;
    };
  };
}
