import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';

/**
 * Narrows credentials to a user's, as `auth.isPrincipal(credentials, 'user')`
 * does, for the services that hold no auth service.
 *
 * @internal
 */
export function isUserCredentials(
  credentials: BackstageCredentials,
): credentials is BackstageCredentials<BackstageUserPrincipal> {
  const principal = credentials.principal as { type?: unknown } | undefined;
  return principal?.type === 'user';
}

/**
 * Narrows credentials to a service's, as
 * `auth.isPrincipal(credentials, 'service')` does.
 *
 * @internal
 */
export function isServiceCredentials(
  credentials: BackstageCredentials,
): credentials is BackstageCredentials<BackstageServicePrincipal> {
  const principal = credentials.principal as { type?: unknown } | undefined;
  return principal?.type === 'service';
}
