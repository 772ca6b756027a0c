/**
 * What a Group Policy administrator reads about each policy key: its name, what it does, and its
 * category. Bounds and defaults are not written here: `policyExplanation` takes them from the
 * schema (policy-value-shape.ts). The catalogue's type makes a key added to the schema without an
 * entry, an enum option without a label, or a nullable key without its "not set" story, a type
 * error.
 */
import { ATTACHMENT_KINDS } from '../protocol/attachment';
import { IDENTIFIER_KINDS } from '../text/identifier-guard/identifier-kinds';
import type { GuardMode, Policy } from './policy-schema';
import { policyValueShape } from './policy-value-shape';

/** Folders under "Wardline" in the Group Policy editor, in the order they are defined. */
export const POLICY_CATEGORIES = {
  server: 'Server connection',
  session: 'Session security',
  passwords: 'Passwords and keys',
  notifications: 'Notifications',
  workstation: 'Workstation data',
  content: 'Message content',
  records: 'Retention and eDiscovery',
} as const;
export type PolicyCategory = keyof typeof POLICY_CATEGORIES;

const GUARD_MODE_CHOICES: Readonly<Record<GuardMode, string>> = {
  off: 'Off: no check',
  warn: 'Warn: the sender confirms before sending',
  block: 'Block: the message cannot be sent',
};

const UNITS = {
  seconds: ['second', 'seconds'],
  days: ['day', 'days'],
  characters: ['character', 'characters'],
  digits: ['digit', 'digits'],
  MiB: ['MiB', 'MiB'],
  passes: ['pass', 'passes'],
} as const;
type PolicyUnit = keyof typeof UNITS;

type Given<V> = Exclude<V, null>;
/** Enum keys (a union of string literals, not `string`) name each option for the dropdown. */
type Choices<V> = [Given<V>] extends [string]
  ? string extends Given<V>
    ? unknown
    : { readonly choices: Readonly<Record<Given<V>, string>> }
  : unknown;
type Unit<V> = [Given<V>] extends [number] ? { readonly unit: PolicyUnit } : unknown;
/** A key whose default is "not set" says what not set means. */
type WhenUnset<V> = null extends V ? { readonly whenUnset: string } : unknown;

interface PolicyCatalogueBase {
  readonly category: PolicyCategory;
  readonly displayName: string;
  /** What it does, in plain English; for a boolean, what Enabled and Disabled mean. */
  readonly description: string;
  /** Text that may name a path: written as REG_EXPAND_SZ, so `%ProgramData%` and the like expand. */
  readonly expandable?: true;
}
export type PolicyCatalogueEntry<V> = PolicyCatalogueBase & Choices<V> & Unit<V> & WhenUnset<V>;

export const POLICY_CATALOGUE: { readonly [K in keyof Policy]: PolicyCatalogueEntry<Policy[K]> } = {
  serverUrl: {
    category: 'server',
    displayName: 'Server address',
    description:
      'The address of the hospital\'s Wardline server, an https:// URL. Set it together with "Server CA certificate": a policy that sets only one of the two is refused.',
    whenUnset: 'no server is set (a development build uses its embedded demo server).',
  },
  caCertificate: {
    category: 'server',
    displayName: 'Server CA certificate',
    description:
      'The certificate authority the server\'s TLS certificate must chain to, on one line: either the full path of a PEM certificate file on this computer (environment variables such as %ProgramData% are expanded), or the certificate itself as base64 DER (the PEM file\'s lines between BEGIN and END, joined into one). Set it together with "Server address".',
    expandable: true,
    whenUnset: 'none.',
  },
  workstationName: {
    category: 'workstation',
    displayName: 'Workstation name',
    description:
      'The name IT knows this computer by, for example "Ward 7 nurses station": the Administration view lists it, and IT types it to confirm a remote wipe. Plain text.',
    whenUnset: "the computer's host name.",
  },
  idleLockSeconds: {
    category: 'session',
    displayName: 'Lock the screen after idle time',
    description:
      'How long a session may go without activity (see "What counts as activity") before Wardline locks the screen. The user unlocks with their password or, where allowed, a PIN.',
    unit: 'seconds',
  },
  autoLogoffSeconds: {
    category: 'session',
    displayName: 'Sign out after time locked',
    description: 'How long a session may stay locked before the user is signed out and must sign in again.',
    unit: 'seconds',
  },
  pinAllowed: {
    category: 'session',
    displayName: 'Allow a PIN to unlock',
    description:
      'Enabled: a user may unlock their locked session with a PIN (see "Minimum PIN length"). Disabled: unlocking always takes the password.',
  },
  passwordMinLength: {
    category: 'passwords',
    displayName: 'Minimum password length',
    description:
      'The shortest password a person may choose when they enroll or after a reset. NIST SP 800-63B asks for at least 8 characters; length protects better than complexity rules.',
    unit: 'characters',
  },
  pinMinLength: {
    category: 'session',
    displayName: 'Minimum PIN length',
    description: 'The fewest digits a PIN that unlocks a session may have.',
    unit: 'digits',
  },
  notificationContent: {
    category: 'notifications',
    displayName: 'Content of new-message notifications',
    description:
      'What the notification Windows shows for a new message may say. Message text is never shown in a notification.',
    choices: { count: 'Only that a message arrived ("New secure message")', sender: "The sender's name" },
  },
  sharedWorkstation: {
    category: 'session',
    displayName: 'Shared workstation',
    description:
      "Enabled: many people use this computer; another user's sign-in ends the previous user's session at once. Disabled: one person uses this computer.",
  },
  idleSource: {
    category: 'session',
    displayName: 'What counts as activity',
    description: 'What keeps a session from locking as idle (see "Lock the screen after idle time").',
    choices: { app: 'Input in Wardline only', system: 'Input anywhere on this computer' },
    whenUnset:
      'input in Wardline only on a shared workstation, so that a colleague using another program on the same computer does not keep the previous user\'s messages open; input anywhere on this computer otherwise (see "Shared workstation").',
  },
  lockScreenShowsName: {
    category: 'session',
    displayName: "Show the user's name on the lock screen",
    description:
      'Enabled: the lock screen shows whose session is locked. Disabled: it shows no name, so a passer-by does not learn who uses Wardline here.',
  },
  mfaRequired: {
    category: 'session',
    displayName: 'Require a second factor to sign in',
    description:
      'Enabled: Wardline refuses a sign-in that the server completed without a second factor. Disabled: the server decides whether a second factor is asked for.',
  },
  kdfMemoryMiB: {
    category: 'passwords',
    displayName: 'Minimum password derivation memory',
    description:
      "The least memory the Argon2id derivation of a user's keys from their password may use. Sign-in is refused when the server asks for less, which would make a stolen password hash cheaper to guess.",
    unit: 'MiB',
  },
  kdfPasses: {
    category: 'passwords',
    displayName: 'Minimum password derivation passes',
    description:
      "The fewest passes the Argon2id derivation of a user's keys from their password may use. Sign-in is refused when the server asks for fewer.",
    unit: 'passes',
  },
  vaultPurgeAfterDays: {
    category: 'workstation',
    displayName: 'Delete vaults not used for',
    description:
      "Shreds a user's vault on this computer (their local copy of messages and keys) once it has not been unlocked for this many days. Their messages stay on the server; their next sign-in here starts a fresh vault.",
    unit: 'days',
    whenUnset: 'vaults are never deleted for disuse.',
  },
  machineDataDir: {
    category: 'workstation',
    displayName: 'Workstation data folder',
    description:
      "The folder on this computer that holds Wardline's data for every Windows user of it: the workstation's device key, its audit log and the clinicians' encrypted vaults. The full path of a folder on a local drive, for example D:\\Wardline or %ProgramData%\\Wardline (environment variables are expanded; network shares are refused). Wardline creates it if it is missing, readable and writable by SYSTEM, Administrators and the computer's Users group only. When it changes, Wardline does not move data from the old folder: the workstation starts again as a new device.",
    whenUnset: '%ProgramData%\\Wardline (on Linux, /var/lib/wardline).',
    expandable: true,
  },
  attachmentMaxMiB: {
    category: 'content',
    displayName: 'Largest attachment',
    description:
      'The largest file a clinician may attach to a message. A larger file is refused before any of it is read, with a message saying so.',
    unit: 'MiB',
  },
  attachmentKinds: {
    category: 'content',
    displayName: 'Kinds of file that may be attached',
    description: `The kinds of file clinicians may attach, their names separated by commas, from: ${ATTACHMENT_KINDS.join(', ')}. Photos are re-encoded before sending, without their metadata (location, device), and PDFs are shown in a viewer that runs none of their scripts.`,
    whenUnset: 'every kind Wardline supports may be attached.',
  },
  attachmentSaving: {
    category: 'content',
    displayName: 'Saving attachments',
    description:
      "Whether a received attachment may leave Wardline. View only: it is shown in Wardline's own viewer and cannot be saved or copied out. Save: it may also be saved to the user's Downloads folder, and each save is recorded in the audit trail.",
    choices: { 'view-only': 'View only, in Wardline', save: 'Save to Downloads, recorded in the audit trail' },
  },
  identifierGuardNurse: {
    category: 'content',
    displayName: 'Identifier check for nurses',
    description:
      "What Wardline does when a message nurses are sending holds an identifier the purpose rarely needs (a social security number, payment card number, medical record number, date of birth, phone number, email or street address), by HIPAA's minimum-necessary standard. Warn: the sender is told what was found and may edit the message or send it anyway; both are recorded in the audit trail by kind and count, never the text. Block: the message cannot be sent until the identifiers are removed. Off: no check.",
    choices: GUARD_MODE_CHOICES,
  },
  identifierGuardPhysician: {
    category: 'content',
    displayName: 'Identifier check for physicians',
    description:
      "What Wardline does when a message physicians are sending holds an identifier the purpose rarely needs (a social security number, payment card number, medical record number, date of birth, phone number, email or street address), by HIPAA's minimum-necessary standard. Warn: the sender is told what was found and may edit the message or send it anyway; both are recorded in the audit trail by kind and count, never the text. Block: the message cannot be sent until the identifiers are removed. Off: no check.",
    choices: GUARD_MODE_CHOICES,
  },
  identifierGuardFrontDesk: {
    category: 'content',
    displayName: 'Identifier check for front-desk staff',
    description:
      "What Wardline does when a message front-desk staff are sending holds an identifier the purpose rarely needs (a social security number, payment card number, medical record number, date of birth, phone number, email or street address), by HIPAA's minimum-necessary standard. Warn: the sender is told what was found and may edit the message or send it anyway; both are recorded in the audit trail by kind and count, never the text. Block: the message cannot be sent until the identifiers are removed. Off: no check.",
    choices: GUARD_MODE_CHOICES,
  },
  identifierGuardBlockKinds: {
    category: 'content',
    displayName: 'Identifiers never sent',
    description: `Kinds of identifier a message may never hold, for every role whose identifier check is not Off: even a role that is only warned cannot send them. Their names separated by commas, from: ${IDENTIFIER_KINDS.join(', ')}. For example: ssn, card-number.`,
    whenUnset: 'none: each role is warned or blocked as its own identifier check says.',
  },
  mrnFormats: {
    category: 'content',
    displayName: 'Medical record number formats',
    description:
      'The formats of this hospital\'s medical record numbers, so that the identifier check finds an MRN written without "MRN" before it. # stands for a digit, @ for a letter, any other letter, digit, "-", "." or "/" for itself; formats are separated by semicolons, at most 10, each with at least four #. For example: M#######;##-###-###. A format of digits alone (########) flags every number of that length.',
    whenUnset: 'an MRN is found only after a word such as "MRN", "hospital number" or "chart no.".',
  },
  templatesOnlyRoles: {
    category: 'content',
    displayName: 'Roles restricted to templates',
    description:
      "Roles whose staff may send only the message templates IT approved in the Administration view, never free text: no typed message, reply or subject (acknowledging with a quick reply stays allowed). Their names separated by commas, from: nurse, physician, front-desk. For example: front-desk. Every message sent from a template is recorded in the audit trail with the template's id, never the values filled in.",
    whenUnset: 'none: every role may write its own messages as well as use templates.',
  },
  archivePublicKey: {
    category: 'records',
    displayName: 'Archive public key',
    description:
      'The public half of the hospital\'s archive key, as "npm run archive:keygen" printed it (base64, 44 characters). Every message this computer sends is also sealed to it, so that the compliance team, who keep the private half offline, can read messages for eDiscovery (legal holds, investigations). Settings shows users its fingerprint and says so. Set it together with "Archive key fingerprint". A server started with --archive-key-fingerprint refuses messages not sealed to its key, and Wardline refuses to send before sealing when this key is missing or is another.',
    whenUnset:
      'none: messages are sealed to their participants only. Where the server requires an archive key, nothing can be sent from this computer.',
  },
  archiveKeyFingerprint: {
    category: 'records',
    displayName: 'Archive key fingerprint',
    description:
      'The fingerprint of "Archive public key" as "npm run archive:keygen" printed it: 64 hexadecimal digits, spaces between groups allowed. Wardline refuses the whole policy unless it is the fingerprint of that key, so a key copied wrong is caught at start rather than sealing every message to a key nobody holds.',
    whenUnset: 'none.',
  },
  messageRetentionDays: {
    category: 'records',
    displayName: 'Keep messages on this computer for',
    description:
      "How many days this computer keeps each user's messages (counted from when the server accepted them) in their encrypted vault. Older messages, with their attachments, receipts and search entries, are removed when the user unlocks Wardline and every 24 hours while it stays unlocked; each run is recorded in the audit trail with counts only. The server keeps its own copy as long as its retention allows, so a user scrolling back in a conversation can fetch them again (they are removed again at the next run). Messages still waiting to be sent, or still waiting for an acknowledgement, are kept until they no longer are. Drafts are not messages and are not affected.",
    unit: 'days',
    whenUnset:
      'no local bound: messages stay on this computer until they expire, are recalled, or the vault is removed.',
  },
};

/** The catalogue entry with the per-type fields made optional, for code that handles every key. */
export function policyCatalogueEntry(key: keyof Policy): PolicyCatalogueBase & {
  readonly choices?: Readonly<Record<string, string>>;
  readonly unit?: PolicyUnit;
  readonly whenUnset?: string;
} {
  return POLICY_CATALOGUE[key];
}

/** The unit a number key is counted in ("seconds"), for a label; null for other keys. */
export function policyUnitName(key: keyof Policy): string | null {
  const { unit } = policyCatalogueEntry(key);
  return unit === undefined ? null : UNITS[unit][1];
}

function amount(value: number, unit: PolicyUnit | undefined): string {
  if (unit === undefined) return String(value);
  const [one, many] = UNITS[unit];
  const text = `${value} ${value === 1 ? one : many}`;
  if (unit !== 'seconds' || value < 60) return text;
  const [size, name] = value % 3600 === 0 ? [3600, 'hour'] : value % 60 === 0 ? [60, 'minute'] : [0, ''];
  if (size === 0) return text;
  const count = value / size;
  return `${text} (${count} ${name}${count === 1 ? '' : 's'})`;
}

/** The explanation a GPO administrator reads: what the key does, its range and its default. */
export function policyExplanation(key: keyof Policy): string {
  const entry = policyCatalogueEntry(key);
  const shape = policyValueShape(key);
  const lines = [entry.description];
  const unset = (shown: string | null): string => shown ?? entry.whenUnset ?? 'not set.';
  switch (shape.kind) {
    case 'boolean':
      lines.push(`Not configured: as ${shape.defaultValue ? 'Enabled' : 'Disabled'}.`);
      break;
    case 'number': {
      const { unit } = entry;
      const fallback = shape.defaultValue === null ? null : `${amount(shape.defaultValue, unit)}.`;
      lines.push(`From ${amount(shape.min, unit)} to ${amount(shape.max, unit)}.`);
      lines.push(`Not configured or Disabled: ${unset(fallback)}`);
      break;
    }
    case 'text':
      lines.push(`At most ${shape.maxLength} characters.`);
      lines.push(`Not configured or Disabled: ${unset(shape.defaultValue === null ? null : `${shape.defaultValue}.`)}`);
      break;
    case 'choice': {
      const label = (option: string): string => entry.choices?.[option] ?? option;
      const fallback = shape.defaultValue === null ? null : `${label(shape.defaultValue)}.`;
      lines.push(`Not configured or Disabled: ${unset(fallback)}`);
      break;
    }
  }
  return lines.join('\n\n');
}
