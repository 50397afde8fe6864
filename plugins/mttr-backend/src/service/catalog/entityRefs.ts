import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/**
 * The canonical form of an entity ref: kind, namespace and name lower-cased,
 * the namespace `default` when none is given (`component:payments` is
 * `component:default/payments`). Throws on refs without a kind.
 *
 * @internal
 */
export function normaliseEntityRef(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref.trim()));
}

/**
 * As {@link normaliseEntityRef}, undefined instead of throwing.
 *
 * @internal
 */
export function tryNormaliseEntityRef(ref: string): string | undefined {
  try {
    return normaliseEntityRef(ref);
  } catch {
    return undefined;
  }
}
