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

/**
 * Who is calling, as the records name them: the user's entity ref, the
 * service's subject, or undefined for anyone else.
 *
 * @internal
 */
export function principalName(
  credentials: BackstageCredentials,
): string | undefined {
  if (isUserCredentials(credentials)) {
    return credentials.principal.userEntityRef;
  }
  if (isServiceCredentials(credentials)) {
    return credentials.principal.subject;
  }
  return undefined;
}
