/**
 * What each policy key holds (a boolean, a bounded whole number, text or a choice), its bounds
 * and its default, read from the zod schema itself: the Group Policy templates and every other
 * description of a key take them from here, so they cannot drift from what the app enforces.
 */
import { z } from 'zod';
import { policySchema, type Policy } from './policy-schema';

export type PolicyValueShape =
  | { readonly kind: 'boolean'; readonly defaultValue: boolean }
  | { readonly kind: 'number'; readonly min: number; readonly max: number; readonly defaultValue: number | null }
  | { readonly kind: 'text'; readonly maxLength: number; readonly defaultValue: string | null }
  | { readonly kind: 'choice'; readonly options: readonly string[]; readonly defaultValue: string | null };

export function policyValueShape(key: keyof Policy): PolicyValueShape {
  return valueShapeOf(key, policySchema.shape[key]);
}

/**
 * Throws on a schema this cannot describe (a number without bounds, a new zod type): a
 * programming error, met by the templates' test before any template is written.
 */
export function valueShapeOf(name: string, schema: z.ZodType): PolicyValueShape {
  let type = schema;
  let defaultValue: unknown;
  let nullable = false;
  for (;;) {
    if (type instanceof z.ZodDefault) {
      defaultValue = type.def.defaultValue;
      type = type.unwrap() as z.ZodType;
    } else if (type instanceof z.ZodNullable) {
      nullable = true;
      type = type.unwrap() as z.ZodType;
    } else break;
  }
  const refuse = (why: string): never => {
    throw new Error(`policy key ${name}: ${why}`);
  };
  if (defaultValue === undefined) refuse('no default');
  if (defaultValue === null && !nullable) refuse('a null default on a key that cannot be null');

  if (type instanceof z.ZodBoolean) {
    if (typeof defaultValue !== 'boolean') return refuse('a boolean needs a true or false default');
    return { kind: 'boolean', defaultValue };
  }
  if (type instanceof z.ZodNumber) {
    const { minValue: min, maxValue: max } = type;
    // .int() alone bounds a number by the safe-integer limits: that is no bound an admin can use.
    const bounded = (limit: number | null): limit is number =>
      limit !== null && Math.abs(limit) < Number.MAX_SAFE_INTEGER && Number.isInteger(limit);
    const whole = type.format === 'safeint' || type.format === 'int32' || type.format === 'uint32';
    if (!whole || !bounded(min) || !bounded(max))
      return refuse('a number must be a whole number with a lower and an upper bound');
    return { kind: 'number', min, max, defaultValue: defaultValue as number | null };
  }
  if (type instanceof z.ZodEnum) {
    return { kind: 'choice', options: type.options.map(String), defaultValue: defaultValue as string | null };
  }
  // z.url() and the other string formats are a ZodStringFormat, not a ZodString.
  if (type instanceof z.ZodString || type instanceof z.ZodStringFormat) {
    if (type.maxLength === null) return refuse('text needs a maximum length');
    return { kind: 'text', maxLength: type.maxLength, defaultValue: defaultValue as string | null };
  }
  return refuse(`no template for a ${type.def.type}`);
}
