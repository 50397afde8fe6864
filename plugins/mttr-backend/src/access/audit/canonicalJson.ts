/**
 * The JSON Canonicalization Scheme of RFC 8785 (JCS): object keys sorted by
 * their UTF-16 code units, no whitespace, strings and numbers serialised as
 * ECMAScript's JSON.stringify does (which is what the RFC prescribes).
 *
 * Written here rather than taken from the `canonicalize` package (by the
 * RFC's author): its current releases are ES modules only, which this
 * CommonJS backend package cannot `require` on Node 20.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`JCS has no form for the number ${value}`);
      }
      // ECMAScript's Number::toString, as JSON.stringify uses it; -0 is "0".
      return JSON.stringify(value);
    case 'string':
      if (hasLoneSurrogate(value)) {
        throw new TypeError('JCS strings must be valid Unicode');
      }
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`JCS has no form for a ${typeof value}`);
  }
  if (Array.isArray(value)) {
    return `[${value.map(item => canonicalJson(item ?? null)).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  // Array.prototype.sort without a comparator compares UTF-16 code units.
  const keys = Object.keys(record)
    .filter(key => record[key] !== undefined)
    .sort();
  return `{${keys
    .map(key => `${canonicalJson(key)}:${canonicalJson(record[key])}`)
    .join(',')}}`;
}

function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(
    text,
  );
}
