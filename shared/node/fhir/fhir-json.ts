/**
 * FHIR JSON as the audit codecs write and read it: primitives (instant, decimal, id, hash),
 * name-based UUIDs, and the reading side's path lookups. Every reader decodes, re-encodes and
 * requires the input to be exactly that encoding (`firstDifference`): that is what makes each
 * codec a bijection, so a field edited in an export either changes the decoded record (and its
 * hash no longer matches) or is refused. A problem names a field, never its value.
 */
import { createHash } from 'node:crypto';
import { err, type Err, type Result } from '../../result';

/** The last instant FHIR (four-digit years) can hold. */
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DECIMAL = /^(?:0|[1-9]\d{0,15})$/;
/** FHIR's id datatype. */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
export const HASH_HEX = /^[0-9a-f]{64}$/;

export function instant(at: number, field: string): string {
  if (!Number.isSafeInteger(at) || at < 0 || at > LAST_INSTANT)
    throw new RangeError(`${field} is outside what a FHIR instant holds`);
  return new Date(at).toISOString();
}

export function identifier(system: string, value: string) {
  return { identifier: { system, value } };
}

/** RFC 9562 name-based UUID (version 5): the same input always gives the same fullUrl. */
export function nameUuid(namespace: string, name: string): string {
  const digest = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x50;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type Json = Readonly<Record<string, unknown>>;
export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Follows a path of keys and indexes; undefined where the shape is not there. */
export function get(value: unknown, ...path: readonly (string | number)[]): unknown {
  let at = value;
  for (const step of path) {
    if (typeof step === 'number') at = Array.isArray(at) ? (at as readonly unknown[])[step] : undefined;
    else at = isObject(at) ? at[step] : undefined;
  }
  return at;
}

export function identifierValue(entity: unknown, system: string): string | undefined {
  return get(entity, 'what', 'identifier', 'system') === system
    ? text(get(entity, 'what', 'identifier', 'value'))
    : undefined;
}

export function detail(entity: unknown, type: string): string | undefined {
  const found = list(get(entity, 'detail')).find((item) => get(item, 'type') === type);
  return text(get(found, 'valueString'));
}

export function decimal(value: string | undefined): number | undefined {
  return value !== undefined && DECIMAL.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
}

export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || !INSTANT.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) && new Date(at).toISOString() === value ? at : undefined;
}

/**
 * The first path at which two JSON values differ (object keys in any order), or null. A key the
 * encoding does not have is not echoed (a key is text too): it is named "(unexpected field)".
 */
export function firstDifference(actual: unknown, expected: unknown, path: string): string | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return path;
    const actualItems = actual as readonly unknown[];
    for (let i = 0; i < Math.max(actualItems.length, expected.length); i += 1) {
      const difference = firstDifference(actualItems[i], (expected as readonly unknown[])[i], `${path}[${String(i)}]`);
      if (difference !== null) return difference;
    }
    return null;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return path;
    const within = (key: string) => (path === '' ? key : `${path}.${key}`);
    if (Object.keys(actual).some((key) => !Object.hasOwn(expected, key))) return within('(unexpected field)');
    for (const key of Object.keys(expected)) {
      const difference = firstDifference(actual[key], expected[key], within(key));
      if (difference !== null) return difference;
    }
    return null;
  }
  return Object.is(actual, expected) ? null : path || '(resource)';
}

/** A FHIR server adds these to anything it stores; nothing else in meta is expected. */
export function withoutServerMeta(resource: Json): Json | null {
  const meta = resource.meta;
  if (meta === undefined) return resource;
  if (!isObject(meta) || Object.keys(meta).some((key) => key !== 'versionId' && key !== 'lastUpdated')) return null;
  return Object.fromEntries(Object.entries(resource).filter(([key]) => key !== 'meta'));
}

/** A reader's answer: the decoded value, or the field it refused (never the field's value). */
export type Decoded<T> = Result<T, string>;

export const problem = (field: string): Err<string> => err(field);
