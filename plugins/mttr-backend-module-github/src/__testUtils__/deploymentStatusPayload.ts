/**
 * A `deployment_status` webhook payload in the shape GitHub documents
 * ("Webhook events and payloads" → deployment_status), trimmed of nothing
 * the module reads and keeping enough of the rest (sender, the deployment's
 * creator, the repository's owner) that the module is seen to ignore it.
 */
export interface DeploymentStatusPayloadOptions {
  state?: string;
  deploymentId?: number;
  statusId?: number;
  environment?: string;
  repository?: string;
  sha?: string;
  ref?: string;
  /** When the deployment was created. */
  deploymentCreatedAt?: string;
  /** When this status was reported. */
  statusAt?: string;
  targetUrl?: string | null;
  logUrl?: string;
  environmentUrl?: string;
}

export function deploymentStatusPayload(
  options: DeploymentStatusPayloadOptions = {},
) {
  const {
    state = 'success',
    deploymentId = 1234567,
    statusId = 98765432,
    environment = 'production',
    repository = 'acme/payments-api',
    sha = '7638417db6d59f3c431d3e1f261cc637155684cd',
    ref = 'v1.2.3',
    deploymentCreatedAt = '2026-05-01T10:00:00Z',
    statusAt = '2026-05-01T10:02:03Z',
    targetUrl = `https://github.com/${repository}/actions/runs/4242`,
    logUrl = `https://github.com/${repository}/actions/runs/4242/job/77`,
    environmentUrl = 'https://payments.example.com',
  } = options;
  const [ownerLogin, repoName] = repository.split('/');
  const apiRepo = `https://api.github.com/repos/${repository}`;
  const user = {
    login: 'octocat',
    id: 1,
    node_id: 'MDQ6VXNlcjE=',
    avatar_url: 'https://github.com/images/error/octocat_happy.gif',
    url: 'https://api.github.com/users/octocat',
    html_url: 'https://github.com/octocat',
    type: 'User',
    site_admin: false,
  };
  return {
    action: 'created',
    deployment_status: {
      url: `${apiRepo}/deployments/${deploymentId}/statuses/${statusId}`,
      id: statusId,
      node_id: 'MDE2OkRlcGxveW1lbnRTdGF0dXMx',
      state,
      creator: user,
      description: `Deployment ${state}`,
      environment,
      target_url: targetUrl,
      log_url: logUrl,
      environment_url: environmentUrl,
      created_at: statusAt,
      updated_at: statusAt,
      deployment_url: `${apiRepo}/deployments/${deploymentId}`,
      repository_url: apiRepo,
      performed_via_github_app: null,
    },
    deployment: {
      url: `${apiRepo}/deployments/${deploymentId}`,
      id: deploymentId,
      node_id: 'MDEwOkRlcGxveW1lbnQx',
      sha,
      ref,
      task: 'deploy',
      payload: {},
      original_environment: environment,
      environment,
      description: null,
      creator: user,
      created_at: deploymentCreatedAt,
      updated_at: statusAt,
      statuses_url: `${apiRepo}/deployments/${deploymentId}/statuses`,
      repository_url: apiRepo,
      transient_environment: false,
      production_environment: environment === 'production',
      performed_via_github_app: null,
    },
    repository: {
      id: 1296269,
      node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
      name: repoName,
      full_name: repository,
      private: false,
      owner: { ...user, login: ownerLogin, type: 'Organization' },
      html_url: `https://github.com/${repository}`,
      url: apiRepo,
      default_branch: 'main',
    },
    organization: {
      login: ownerLogin,
      id: 9919,
      url: `https://api.github.com/orgs/${ownerLogin}`,
    },
    sender: user,
  };
}

/** A `ping` payload, as GitHub sends when a webhook is created. */
export function pingPayload() {
  return {
    zen: 'Keep it logically awesome.',
    hook_id: 109948940,
    hook: {
      type: 'Repository',
      id: 109948940,
      name: 'web',
      active: true,
      events: ['deployment_status'],
      config: {
        content_type: 'json',
        insecure_ssl: '0',
        url: 'https://backstage.example.com/api/mttr/webhooks/github',
      },
    },
    repository: { id: 1296269, full_name: 'acme/payments-api' },
    sender: { login: 'octocat', id: 1 },
  };
}
