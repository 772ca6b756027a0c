/**
 * What `npm run admin -- <command>` can ask the admin API (shared/protocol/admin-*.ts): friendly
 * commands for what IT does every day, and `call <route> <json>` for any admin route, so a
 * script reaches everything the Administration view can. Each command is a route and a request
 * built from the command line; the request is checked against the route's own schema before it
 * is sent, so a mistyped flag is a usage error here, not a refusal from the server.
 */
import { ROLES } from '../shared/access/permission-matrix';
import { routes, type RouteName } from '../shared/protocol/api';
import { err, ok, type Result } from '../shared/result';

export interface CommandLine {
  /** Positional words after the command name. */
  readonly words: readonly string[];
  /** `--name value` flags. */
  readonly flags: ReadonlyMap<string, string>;
}

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly request: (line: CommandLine) => Result<{ route: RouteName; body: unknown }, string>;
}

const forPerson = (route: RouteName) => (line: CommandLine) =>
  line.words.length === 1 ? ok({ route, body: { userId: line.words[0] } }) : err('name one user id');

export const COMMANDS: Readonly<Record<string, Command>> = {
  search: {
    summary: 'people whose id or name contains the text (all, without one)',
    usage: 'search [text] [--after <user id>]',
    request: (line) =>
      ok({
        route: 'adminSearchAccounts',
        body: { query: line.words.join(' '), after: line.flags.get('after') ?? null, limit: 100 },
      }),
  },
  create: {
    summary: 'a new person, who sets their own password with the enrollment code printed',
    usage: `create <user id> --name <display name> --role <${ROLES.join('|')}> --department <text> --title <text>`,
    request: (line) => {
      const [userId] = line.words;
      const field = (name: string) => line.flags.get(name);
      if (line.words.length !== 1 || userId === undefined) return err('name one user id');
      return ok({
        route: 'adminCreateAccount',
        body: {
          userId,
          displayName: field('name'),
          role: field('role'),
          department: field('department'),
          title: field('title'),
        },
      });
    },
  },
  enrollment: {
    summary: 'a new enrollment code for someone who has not set a password yet',
    usage: 'enrollment <user id>',
    request: forPerson('adminIssueEnrollment'),
  },
  deactivate: {
    summary: 'keep a person out and end their sessions',
    usage: 'deactivate <user id>',
    request: forPerson('adminDeactivate'),
  },
  reactivate: {
    summary: 'let a deactivated person sign in again',
    usage: 'reactivate <user id>',
    request: forPerson('adminReactivate'),
  },
  unlock: {
    summary: 'lift a lockout after failed sign-ins',
    usage: 'unlock <user id>',
    request: forPerson('adminUnlock'),
  },
  'reset-mfa': {
    summary: 'a lost authenticator: sessions end, the next sign-in enrolls a new one',
    usage: 'reset-mfa <user id>',
    request: forPerson('adminResetMfa'),
  },
  'reset-password': {
    summary:
      'a forgotten password: prints a new enrollment code. Their encrypted history cannot be recovered: new identity keys, vaults on workstations shredded',
    usage: 'reset-password <user id> --confirm',
    request: (line) =>
      line.flags.get('confirm') === 'yes'
        ? forPerson('adminResetPassword')(line)
        : err('add --confirm: see what it does above'),
  },
  sessions: {
    summary: "a person's live sessions",
    usage: 'sessions <user id>',
    request: forPerson('adminListSessions'),
  },
  'end-sessions': {
    summary: 'end every session of a person (they may sign in again)',
    usage: 'end-sessions <user id>',
    request: forPerson('adminEndSessions'),
  },
  workstations: {
    summary: 'registered workstations, latest contact first',
    usage: 'workstations',
    request: (line) =>
      line.words.length === 0
        ? ok({ route: 'adminListWorkstations', body: { after: null, limit: 100 } })
        : err('no arguments'),
  },
  'wipe-workstation': {
    summary:
      'crypto-shred every vault on a workstation at its next contact (its audit records reach the server first); name it as listed',
    usage: 'wipe-workstation <device id> --name <its name, as listed>',
    request: (line) => {
      const [deviceId] = line.words;
      const confirmName = line.flags.get('name');
      if (line.words.length !== 1 || confirmName === undefined) return err('name one device id and --name');
      return ok({ route: 'adminWipeWorkstation', body: { deviceId, confirmName } });
    },
  },
  'wipe-user': {
    summary: "shred one person's vault on every workstation they used, at each one's next contact",
    usage: 'wipe-user <user id> --confirm',
    request: (line) =>
      line.flags.get('confirm') === 'yes'
        ? forPerson('adminWipeUser')(line)
        : err('add --confirm: see what it does above'),
  },
  'wipe-status': {
    summary: "a workstation's wipe commands: queued, delivered, done, with times",
    usage: 'wipe-status <device id>',
    request: (line) =>
      line.words.length === 1
        ? ok({ route: 'adminDeviceCommands', body: { deviceId: line.words[0] } })
        : err('name one device id'),
  },
  'run-retention': {
    summary:
      "delete now the messages kept past the server's retention period, as the daily run would (held ones stay); recorded on the server's chain",
    usage: 'run-retention',
    request: (line) =>
      line.words.length === 0 ? ok({ route: 'adminRunMessageRetention', body: {} }) : err('no arguments'),
  },
  call: {
    summary: 'any admin route with a JSON request (see shared/protocol/admin-*.ts)',
    usage: "call <route name> '<json>'",
    request: (line) => {
      const [route, json] = line.words;
      if (line.words.length !== 2 || route === undefined || json === undefined)
        return err('name a route and its JSON request');
      if (!isAdminRoute(route)) return err(`${route} is not an admin route`);
      try {
        return ok({ route, body: JSON.parse(json) as unknown });
      } catch {
        return err('the request is not JSON');
      }
    },
  },
};

function isAdminRoute(name: string): name is RouteName {
  return (
    Object.hasOwn(routes, name) && (routes[name as RouteName] as { permission?: string }).permission === 'admin.manage'
  );
}

/** The route and request for a command line, checked against the route's request schema. */
export function requestFor(command: string, line: CommandLine): Result<{ route: RouteName; body: unknown }, string> {
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (entry === undefined) return err(`unknown command ${command}`);
  const built = entry.request(line);
  if (!built.ok) return err(`${built.error}\nusage: npm run admin -- ${entry.usage}`);
  const checked = routes[built.value.route].request.safeParse(built.value.body);
  if (!checked.success) {
    const fields = [...new Set(checked.error.issues.map((issue) => issue.path.join('.') || '(request)'))];
    return err(`not a valid request (${fields.join(', ')})\nusage: npm run admin -- ${entry.usage}`);
  }
  return ok({ route: built.value.route, body: checked.data });
}
