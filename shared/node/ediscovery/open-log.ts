/**
 * "Opening is itself recorded ... in a local log beside it" (issue 20): every run of
 * `archive:open` appends one line to `archive-open.log` in the folder that holds the package,
 * whether it opened it or refused: when, which OS account on which computer, which package (its
 * folder name and digest), and the result with its codes. Nothing from inside the messages: no
 * text, no names, no ids of messages, which the review export itself holds for whoever may read it.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';

export const OPEN_LOG_FILE = 'archive-open.log';

export interface OpenLogLine {
  readonly at: number;
  readonly osUser: string;
  readonly host: string;
  readonly packageFolder: string;
  /** Recomputed from the contents; null when the manifest could not be read. */
  readonly digest: string | null;
  readonly result: 'opened' | 'refused';
  /** The failure codes, each once, in the order found. */
  readonly codes: readonly string[];
  readonly messages: number | null;
  /** Where the review export went (opened only). */
  readonly out: string | null;
}

/** Spaces and controls out of what a person or the OS named, so a line stays one line of fields. */
const token = (text: string) => text.replace(/[\s\p{Cc}]+/gu, '_') || '_';

export function openLogText(line: OpenLogLine): string {
  const fields = [
    new Date(line.at).toISOString(),
    `user=${token(line.osUser)}`,
    `host=${token(line.host)}`,
    `package=${token(path.basename(line.packageFolder))}`,
    `digest=${line.digest ?? 'unknown'}`,
    `result=${line.result}`,
    ...(line.codes.length === 0 ? [] : [`codes=${[...new Set(line.codes)].join(',')}`]),
    ...(line.messages === null ? [] : [`messages=${String(line.messages)}`]),
    ...(line.out === null ? [] : [`out=${token(line.out)}`]),
  ];
  return `${fields.join(' ')}\n`;
}

/** Where the log of a package is: beside its folder. */
export function openLogPath(packageFolder: string): string {
  return path.join(path.dirname(path.resolve(packageFolder)), OPEN_LOG_FILE);
}

/** Appends the line; false when the log cannot be written (the caller then keeps no export). */
export async function appendOpenLog(packageFolder: string, line: OpenLogLine): Promise<boolean> {
  try {
    await appendFile(openLogPath(packageFolder), openLogText(line), { mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}
