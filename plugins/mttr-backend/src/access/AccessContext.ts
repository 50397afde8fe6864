import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AccessProvider } from '@mttr-backstage/plugin-mttr-node';
import { AccessTargetConfig } from './config';
import {
  AccessStore,
  NewAccessEvent,
  StoredAccessRequest,
} from './store/AccessStore';

export const MINUTE = 60_000;

/** The actor of changes made by the expiry task and the grant calls. */
export const ACCESS_SYSTEM_ACTOR = 'system:mttr-access';

/** Milliseconds since the epoch; injected so that tests can move time. */
export type Clock = () => number;

/**
 * What the parts of the access feature share: the store, the configured
 * targets and installed providers, the clock, and this replica's name as a
 * lease holder.
 */
export interface AccessContext {
  store: AccessStore;
  targets: Map<string, AccessTargetConfig>;
  providers: Map<string, AccessProvider>;
  auth: AuthService;
  logger: LoggerService;
  clock: Clock;
  replicaId: string;
  /**
   * How long a revocation (or grant) lease lasts without renewal
   * (`mttr.access.revocationLease`).
   */
  leaseMs: number;
}

/** An audit entry of a request, at the context's now. */
export function entryOf(
  ctx: AccessContext,
  request: StoredAccessRequest,
  event: Omit<NewAccessEvent, 'requestId' | 'at'>,
): NewAccessEvent {
  return { ...event, requestId: request.id, at: ctx.clock() };
}

export async function mustGet(
  ctx: AccessContext,
  id: string,
): Promise<StoredAccessRequest> {
  const request = await ctx.store.getRequest(id);
  if (!request) throw new NotFoundError(`No access request ${id}`);
  return request;
}

/** The target of a request, as configured now. */
export function targetOf(
  ctx: AccessContext,
  request: StoredAccessRequest,
): AccessTargetConfig {
  const target = ctx.targets.get(request.targetId);
  if (!target) {
    throw new ConflictError(
      `Access target '${request.targetId}' is no longer configured`,
    );
  }
  return target;
}

export function providerOf(
  ctx: AccessContext,
  target: AccessTargetConfig,
): AccessProvider {
  const provider = ctx.providers.get(target.provider);
  if (!provider) {
    throw new Error(`No access provider '${target.provider}' is installed`);
  }
  return provider;
}

export function normalizeRef(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
}

/** The signed-in user's entity ref (lower case), or undefined for a service. */
export function userOf(
  auth: AuthService,
  credentials: BackstageCredentials,
): string | undefined {
  return auth.isPrincipal(credentials, 'user')
    ? credentials.principal.userEntityRef.toLocaleLowerCase('en-US')
    : undefined;
}

export function requireUser(
  auth: AuthService,
  credentials: BackstageCredentials,
): string {
  const user = userOf(auth, credentials);
  if (!user) throw new NotAllowedError('Only a signed-in user may do this');
  return user;
}

export const iso = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString();
