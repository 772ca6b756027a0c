import { z } from 'zod';
import { ERROR_CODES, MAX_RETRY_AFTER_SECONDS, type AppError } from '../errors';
import { IDENTIFIER_KINDS, MAX_IDENTIFIER_COUNT } from '../text/identifier-guard/identifier-kinds';
import { err, ok as okResult, type Result } from '../result';

/** Every IPC answer: a value, or a typed error. Never a thrown exception across the bridge. */
export type IpcResult<T> = Result<T, AppError>;

export const ok = <T>(value: T): IpcResult<T> => okResult(value);
export const fail = (error: AppError): IpcResult<never> => err(error);

export const appErrorSchema = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string().max(200),
  subjects: z.array(z.string().max(64)).min(1).max(200).readonly().optional(),
  retryAfterSeconds: z.number().int().positive().max(MAX_RETRY_AFTER_SECONDS).optional(),
  identifiers: z
    .array(z.strictObject({ kind: z.enum(IDENTIFIER_KINDS), count: z.number().int().min(1).max(MAX_IDENTIFIER_COUNT) }))
    .min(1)
    .max(IDENTIFIER_KINDS.length)
    .readonly()
    .optional(),
});

/** Schema of an IpcResult wrapping `value`, used where a result crosses an untrusted wire. */
export function ipcResultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), value }),
    z.strictObject({ ok: z.literal(false), error: appErrorSchema }),
  ]);
}
