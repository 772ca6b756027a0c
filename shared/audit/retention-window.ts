/**
 * How long an audit record must be kept: six years (HIPAA, 45 CFR 164.316(b)(2)), in milliseconds
 * of 365.25 days. The server's purge functions refuse anything younger, and the verifier checks
 * every purge against the same bound.
 */
export const SIX_YEARS_MS = 189_345_600_000;
