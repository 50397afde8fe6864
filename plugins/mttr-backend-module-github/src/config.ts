import { Config } from '@backstage/config';

/** `mttr.github`, read and checked once at start-up. */
export interface GitHubModuleConfig {
  /** Every secret a delivery may be signed with; empty refuses them all. */
  webhookSecrets: string[];
}

/**
 * Reads `mttr.github`: `webhookSecrets` and `webhookSecret` together, blank
 * ones dropped, each secret once. A value of the wrong type stops the
 * backend with the config reader's message, which names the key.
 */
export function readGitHubConfig(rootConfig: Config): GitHubModuleConfig {
  const config = rootConfig.getOptionalConfig('mttr.github');
  const secrets = [
    ...(config?.getOptionalStringArray('webhookSecrets') ?? []),
    config?.getOptionalString('webhookSecret') ?? '',
  ]
    .map(s => s.trim())
    .filter(Boolean);
  return { webhookSecrets: [...new Set(secrets)] };
}
