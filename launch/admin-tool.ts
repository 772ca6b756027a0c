/**
 * `npm run admin -- <command> …`: the admin API from a terminal or a script (see COMMANDS), and
 * `create-admin`, which makes a new server's first IT admin through its data folder. Answers are
 * JSON on stdout; what a person should read (an enrollment code to hand over) also goes to stderr.
 * Exit 0 done, 1 refused or failed, 2 a usage error.
 */
import path from 'node:path';
import { displayEnrollmentCode } from '../shared/protocol/enrollment';
import { userId as userIdSchema } from '../shared/protocol/identifiers';
import { bootstrapAdmin, type BootstrapRequest } from '../server/admin/bootstrap-admin';
import { CREATE_ADMIN_PATH } from '../server/admin/local-admin';
import { callLocalAdmin } from '../server/admin/local-admin-client';
import { openDatabase } from '../server/db/open-database';
import { DEFAULT_ACCOUNT_KDF } from '../server/server';
import { createApiClient } from '../main/server-link/api-client';
import { readServerEndpoint } from '../main/server-link/server-config';
import { COMMANDS, requestFor, type CommandLine } from './admin-commands';
import { defaultDeviceFile, signInAsAdmin, toolDevice } from './admin-session';

export interface ToolIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Asks the person at the terminal; `secret` answers are not echoed. */
  readonly prompt: (question: string, secret: boolean) => Promise<string>;
  /** The clock device proofs are signed with (default: the system's). */
  readonly now?: () => number;
}

const SWITCHES = new Set(['confirm', 'another']);

export const USAGE = [
  'usage: npm run admin -- --server <url> --ca <ca file> --user <admin id> [--code <6 digits>] <command> …',
  '       npm run admin -- create-admin <user id> --name <display name> --data <server data dir>',
  '                        [--department <text>] [--title <text>] [--database-url postgres://…] [--another]',
  'The password comes from WARDLINE_ADMIN_PASSWORD or is asked for. Commands:',
  ...Object.values(COMMANDS).map((command) => `  ${command.usage}\n      ${command.summary}`),
].join('\n');

/** Words and `--flag value` pairs (`--confirm`, `--another` take no value). */
export function splitArguments(argv: readonly string[]): CommandLine | string {
  const words: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i] ?? '';
    if (!token.startsWith('--')) {
      words.push(token);
      continue;
    }
    const name = token.slice(2);
    if (SWITCHES.has(name)) {
      flags.set(name, 'yes');
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) return `--${name} needs a value`;
    flags.set(name, value);
    i += 1;
  }
  return { words, flags };
}

export async function runAdminTool(argv: readonly string[], io: ToolIo): Promise<number> {
  const line = splitArguments(argv);
  if (typeof line === 'string') return usage(io, line);
  const [command, ...words] = line.words;
  if (command === undefined || command === 'help') return usage(io, null);
  if (command === 'create-admin') return createAdmin({ words, flags: line.flags }, io);

  const built = requestFor(command, { words, flags: line.flags });
  if (!built.ok) return usage(io, built.error);
  const server = line.flags.get('server');
  const ca = line.flags.get('ca');
  const admin = line.flags.get('user');
  if (server === undefined || ca === undefined || admin === undefined)
    return usage(io, '--server, --ca and --user are required');
  const endpoint = readServerEndpoint({ url: server, caFile: ca });
  if (!endpoint.ok) return usage(io, `the server settings were refused (${endpoint.error})`);
  const password = io.env.WARDLINE_ADMIN_PASSWORD ?? (await io.prompt(`Password for ${admin}: `, true));
  const code = line.flags.get('code');
  let device: Awaited<ReturnType<typeof toolDevice>>;
  try {
    device = await toolDevice(line.flags.get('device-file') ?? defaultDeviceFile());
  } catch (error) {
    // A damaged or unreadable key file: said plainly, and left as it is for IT to look at.
    io.err(`admin: ${error instanceof Error ? error.message : 'the device file cannot be used'}\n`);
    return 1;
  }
  const api = createApiClient(endpoint.value);
  try {
    const signedIn = await signInAsAdmin(
      api,
      device,
      {
        userId: admin,
        password,
        code: () => (code === undefined ? io.prompt('Authenticator code: ', false) : Promise.resolve(code)),
      },
      io.now,
    );
    if (!signedIn.ok) {
      io.err(`admin: sign-in refused (${signedIn.error})\n`);
      return 1;
    }
    try {
      const answer = await api.call(built.value.route, built.value.body as never, signedIn.value);
      if (!answer.ok) {
        io.err(`admin: ${built.value.route} refused (${answer.error.code})\n`);
        return 1;
      }
      report(io, answer.value);
      return 0;
    } finally {
      await api.call('logout', {}, signedIn.value);
    }
  } finally {
    api.close();
  }
}

async function createAdmin(line: CommandLine, io: ToolIo): Promise<number> {
  const [userId] = line.words;
  const dataDir = line.flags.get('data');
  const displayName = line.flags.get('name');
  if (line.words.length !== 1 || userId === undefined || !userIdSchema.safeParse(userId).success)
    return usage(io, 'create-admin needs one user id (lower-case letters, digits, . _ -)');
  if (dataDir === undefined || displayName === undefined) return usage(io, 'create-admin needs --name and --data');
  const request: BootstrapRequest = {
    admin: {
      userId,
      displayName,
      department: line.flags.get('department') ?? 'Information Technology',
      title: line.flags.get('title') ?? 'IT administrator',
    },
    another: line.flags.get('another') === 'yes',
  };
  const databaseUrl = line.flags.get('database-url') ?? io.env.DATABASE_URL;
  // The running server's endpoint when there is one (the embedded database is open in it), else the database.
  const running =
    databaseUrl === undefined ? await callLocalAdmin(path.resolve(dataDir), 'POST', CREATE_ADMIN_PATH, request) : null;
  let answer: { enrollment: { code: string; expiresAt: number } } | { error: string };
  if (running !== null) {
    answer = JSON.parse(running.text) as typeof answer;
  } else {
    const db = await openDatabase({ dataDir: path.resolve(dataDir), databaseUrl });
    try {
      const created = await bootstrapAdmin({ db, clock: Date.now, kdf: DEFAULT_ACCOUNT_KDF }, request);
      answer = created.ok ? { enrollment: created.value } : { error: created.error };
    } finally {
      await db.close();
    }
  }
  if ('error' in answer) {
    io.err(
      answer.error === 'ADMIN_EXISTS'
        ? 'admin: an IT admin already exists; create more from the Administration view, or add --another\n'
        : `admin: create-admin refused (${answer.error})\n`,
    );
    return 1;
  }
  report(io, answer);
  return 0;
}

/** JSON for scripts; an enrollment code also for the person who hands it over. */
function report(io: ToolIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
  const grant = (value as { enrollment?: { code: string; expiresAt: number } }).enrollment;
  if (grant !== undefined)
    io.err(
      `Enrollment code ${displayEnrollmentCode(grant.code)}, good once until ${new Date(grant.expiresAt).toISOString()}.\n`,
    );
}

function usage(io: ToolIo, problem: string | null): number {
  io.err(`${problem === null ? '' : `admin: ${problem}\n`}${USAGE}\n`);
  return problem === null ? 0 : 2;
}
