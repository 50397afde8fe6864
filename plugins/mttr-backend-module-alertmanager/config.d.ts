export interface Config {
  mttr?: {
    /** The Prometheus Alertmanager incident source (plugin-mttr-backend-module-alertmanager). */
    alertmanager?: {
      /**
       * The bearer token Alertmanager sends (its webhook receiver's
       * `http_config.authorization.credentials`). Without it every call to
       * the receiver is refused.
       * @visibility secret
       */
      token?: string;

      /**
       * The alert label that holds the entity ref an alert belongs to
       * (`component:default/checkout-web`, or a bare component name).
       * Default `backstage_entity`.
       */
      entityLabel?: string;

      /**
       * Value of the alert's `severity` label → severity (`sev1` … `sev5`).
       * A configured map replaces the default
       * `critical: sev1, error: sev2, warning: sev3, info: sev4`.
       */
      severityMap?: { [severityLabel: string]: string };
    };
  };
}
