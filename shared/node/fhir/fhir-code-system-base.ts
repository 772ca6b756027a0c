/**
 * The deployment's FHIR code-system base (shared/audit/export-naming.ts) applied at the edge of
 * the export: the resources are built and read under the default base (fhir-codes.ts), and a
 * Bundle is moved to the deployment's base as it is written and back as it is read. Wardline's
 * URLs appear only as the value of a `system` (codings, identifiers) or a `url` (extensions), so
 * exactly those values are moved, and only when they start with the base and a slash.
 *
 * A reader is not told the base: it finds it in the Bundle, as the one base that every Wardline
 * URL there shares. Two different ones are refused, and the reader's exact rebuild then refuses
 * any Wardline URL left under no base or another one.
 */
import { DEFAULT_FHIR_CODE_SYSTEM_BASE, parseFhirCodeSystemBase } from '../../audit/export-naming';
import { err, ok, type Result } from '../../result';
import { WARDLINE_FHIR, WARDLINE_FHIR_BASE } from './fhir-codes';

/** The path of each Wardline URL below its base (`/CodeSystem/audit-action`, …). */
const PATHS = Object.values(WARDLINE_FHIR).map((url) => url.slice(WARDLINE_FHIR_BASE.length));

const MOVED_KEYS = new Set(['system', 'url']);

function walk(json: unknown, visit: (value: string) => string): unknown {
  if (Array.isArray(json)) return json.map((item) => walk(item, visit));
  if (json === null || typeof json !== 'object') return json;
  const moved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    moved[key] = MOVED_KEYS.has(key) && typeof value === 'string' ? visit(value) : walk(value, visit);
  }
  return moved;
}

/** `json` with every Wardline URL under `from` moved under `to` (a copy; the input is not changed). */
export function rebase<T>(json: T, from: string, to: string): T {
  if (from === to) return json;
  const prefix = `${from}/`;
  return walk(json, (value) => (value.startsWith(prefix) ? `${to}${value.slice(from.length)}` : value)) as T;
}

/** Moves a Bundle built under the default base to `base` (already in its normal form). */
export function toCodeSystemBase<T>(json: T, base: string): T {
  return rebase(json, DEFAULT_FHIR_CODE_SYSTEM_BASE, base);
}

export type BaseProblem = 'several code-system bases' | 'code-system base is not an https URL';

/** The one base of every Wardline URL in `json` (the default when there is none), or why not. */
export function codeSystemBaseOf(json: unknown): Result<string, BaseProblem> {
  const bases = new Set<string>();
  walk(json, (value) => {
    for (const path of PATHS) if (value.endsWith(path)) bases.add(value.slice(0, value.length - path.length));
    return value;
  });
  if (bases.size > 1) return err('several code-system bases');
  const [base] = bases;
  if (base === undefined) return ok(DEFAULT_FHIR_CODE_SYSTEM_BASE);
  return parseFhirCodeSystemBase(base) === base ? ok(base) : err('code-system base is not an https URL');
}
