/**
 * A fixed description of an unexpected error for the log: its class and, where it has one, a
 * system or database code (`EADDRINUSE`, a SQLSTATE). Never its message, which can quote input
 * (a duplicate-key error names the key) or connection details.
 */
export function faultOf(error: unknown): string {
  if (!(error instanceof Error)) return 'non-error';
  const code = (error as { code?: unknown }).code;
  const suffix = typeof code === 'string' && /^[0-9A-Z_]{3,40}$/.test(code) ? ` ${code}` : '';
  return `${error.name}${suffix}`.slice(0, 80);
}
