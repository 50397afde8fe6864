export interface Config {
  mttr?: {
    /**
     * The GitHub deployment source (plugin-mttr-backend-module-github):
     * `deployment_status` webhooks at `POST /api/mttr/webhooks/github`.
     */
    github?: {
      /**
       * The secrets of the GitHub webhooks that deliver here. A delivery is
       * accepted when its X-Hub-Signature-256 matches any of them; list the
       * old and the new secret while rotating. Without any (here or in
       * `webhookSecret`), every delivery is refused.
       * @visibility secret
       */
      webhookSecrets?: string[];

      /**
       * One webhook secret, for set-ups with a single webhook; used
       * together with `webhookSecrets` when both are set.
       * @visibility secret
       */
      webhookSecret?: string;
    };
  };
}
