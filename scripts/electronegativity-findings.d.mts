export interface Finding {
  readonly check: string;
  readonly file: string;
  /** `line:column`, for the message only: matching ignores it. */
  readonly location: string;
  /** The trimmed source line the tool points at, or `N/A` for a global check. */
  readonly snippet: string;
}

export interface AcceptedEntry {
  readonly check: string;
  readonly file: string;
  readonly snippet: string;
  readonly reason: string;
}

/** Null when some finding cannot be read; `sourceLine` reads a scanned file's 1-based line. */
export function parseFindings(
  sarifText: string,
  sourceLine: (file: string, line: number) => string | undefined,
): Finding[] | null;

export function matchAccepted(
  findings: readonly Finding[],
  accepted: readonly AcceptedEntry[],
): { unexplained: Finding[]; stale: AcceptedEntry[] };
