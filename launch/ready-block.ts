/**
 * What the browser host prints once it is ready: the address to open, and with the embedded demo
 * server, who the demo accounts are and the exact command that prints their passwords and codes.
 * The first line is the one tests and scripts read; the rest is for the person at the terminal.
 */
export interface DemoAccountLine {
  readonly userId: string;
  readonly role: string;
}

export interface ReadyInfo {
  readonly url: string;
  readonly demo: {
    readonly serverUrl: string;
    readonly serverDir: string;
    readonly accounts: readonly DemoAccountLine[];
  } | null;
}

/** Quoted for a POSIX shell when it holds anything but plain path characters. */
function shellWord(word: string): string {
  return /^[\w./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

export function readyBlock(info: ReadyInfo): string {
  const lines = [`browser host ready: ${info.url}`, '', `Open this address in Chromium: ${info.url}`];
  if (info.demo !== null) {
    const width = Math.max(...info.demo.accounts.map((account) => account.userId.length), 0) + 2;
    lines.push(
      '',
      `Embedded demo server: ${info.demo.serverUrl}`,
      'Demo accounts (this demo server only):',
      ...info.demo.accounts.map((account) => `  ${account.userId.padEnd(width)}${account.role}`),
      '',
      'Their passwords and current sign-in codes:',
      `  npm run demo:code -- --data ${shellWord(info.demo.serverDir)}`,
    );
  }
  lines.push('', 'Stop with Ctrl+C.');
  return `${lines.join('\n')}\n`;
}

/** The demo accounts' ids and roles, read from the demo server's accounts file; never their secrets. */
export function demoAccountLines(json: string): DemoAccountLine[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: unknown) => {
    const { userId, role } = (entry ?? {}) as { userId?: unknown; role?: unknown };
    return typeof userId === 'string' && typeof role === 'string' ? [{ userId, role }] : [];
  });
}
