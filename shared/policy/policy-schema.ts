/**
 * Machine-wide policy: what hospital IT sets for every workstation (Windows registry
 * `HKLM\Software\Policies\Wardline`, `/etc/wardline/policy.json` on Linux). The same key names
 * are used in JSON and as registry value names. Anything not set takes the default documented
 * here; anything set but wrong is refused as a whole (the app fails closed, it never guesses).
 * Shared so the Settings view can show the effective policy, read-only.
 */
import { z } from 'zod';
import { parseArchiveFingerprint } from '../protocol/archive-key';
import { ATTACHMENT_KINDS, ATTACHMENT_MAX_BYTES, type AttachmentKind } from '../protocol/attachment';
import { fixedBytes, KEY_BYTES } from '../protocol/binary';
import { isDisplayText } from '../text/display-text';
import { parseIdentifierKinds } from '../text/identifier-guard/identifier-kinds';
import { parseMrnFormats } from '../text/identifier-guard/mrn-format';
import { caCertificateForm } from './ca-certificate-value';
import { parseTemplatesOnlyRoles } from './templates-only';

export const NOTIFICATION_CONTENT = ['count', 'sender'] as const;
export type NotificationContent = (typeof NOTIFICATION_CONTENT)[number];

/** What counts as someone at the workstation: input in Wardline (`app`) or anywhere on it (`system`). */
export const IDLE_SOURCES = ['app', 'system'] as const;
export type IdleSource = (typeof IDLE_SOURCES)[number];

/**
 * What the minimum-necessary guard does when a message holds an identifier (an SSN, an MRN, a
 * date of birth...): nothing (`off`), ask the sender to confirm (`warn`), or refuse it (`block`).
 */
export const GUARD_MODES = ['off', 'warn', 'block'] as const;
/** Whether received attachments may be saved to disk (attachmentSaving). */
export const ATTACHMENT_SAVING = ['view-only', 'save'] as const;
export type AttachmentSaving = (typeof ATTACHMENT_SAVING)[number];

/** `jpeg, pdf` as kinds, or null if any name is not a kind (empty: null too). */
export function parseAttachmentKinds(value: string): AttachmentKind[] | null {
  const names = value.split(',').map((name) => name.trim().toLowerCase());
  const kinds = names.filter((name): name is AttachmentKind => (ATTACHMENT_KINDS as readonly string[]).includes(name));
  return kinds.length === names.length && kinds.length > 0 ? [...new Set(kinds)] : null;
}

export type GuardMode = (typeof GUARD_MODES)[number];

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

/** Every key, its bounds and its default. Strict: an unknown key is a typo, not ignored. */
const policyShape = {
  /** The hospital's Wardline server. Default: none (a development start uses its embedded demo). */
  serverUrl: z
    .url({ protocol: /^https$/ })
    .max(500)
    .nullable()
    .default(null),
  /**
   * The CA the server's certificate must chain to: the absolute path of a PEM file, the
   * certificate as base64 DER on one line, or (in the JSON file) PEM text. Default: none.
   */
  caCertificate: z
    .string()
    .min(1)
    .max(20_000)
    .refine((value) => caCertificateForm(value) !== null, {
      message: 'not an absolute file path, base64 DER on one line, or PEM text',
    })
    .nullable()
    .default(null),
  /**
   * The name IT knows this workstation by ("Ward 7 nurses station"), as the Administration
   * view lists it and as IT types it to confirm a wipe. Default: the computer's host name.
   * Plain display text, 1 to 200 characters.
   */
  workstationName: z.string().trim().min(1).max(200).refine(isDisplayText).nullable().default(null),
  /** Idle time before the screen locks. Default 300 s (5 min); 5 s (for testing) to 1 h. */
  idleLockSeconds: seconds(5, 3600).default(300),
  /** Time locked before the user is signed out. Default 1800 s (30 min); 10 s (for testing) to 24 h. */
  autoLogoffSeconds: seconds(10, 86_400).default(1800),
  /** Whether a PIN may unlock a locked session. Default true. */
  pinAllowed: z.boolean().default(true),
  /**
   * Shortest password a person may choose when they enroll or after a reset, in characters.
   * Default 12 (NIST SP 800-63B asks for at least 8; length beats complexity rules); 8 to 64.
   */
  passwordMinLength: z.number().int().min(8).max(64).default(12),
  /** Minimum PIN length in digits. Default 6; 4 to 12. */
  pinMinLength: z.number().int().min(4).max(12).default(6),
  /** What a new-message notification may say: `count` ("New secure message") or `sender` (the name, never text). Default `count`. */
  notificationContent: z.enum(NOTIFICATION_CONTENT).default('count'),
  /** A workstation used by many people: another user's sign-in ends the previous session at once. Default true. */
  sharedWorkstation: z.boolean().default(true),
  /**
   * What keeps the session from locking as idle: `app` (input in Wardline only) or `system`
   * (input anywhere on this computer, as the OS reports it). Default (unset or null): `app` on
   * a shared workstation, where a colleague using the EHR on the same PC must not keep the
   * previous user's messages open; `system` otherwise, where the one person at the PC may be
   * working in another program. See `idleSourceOf`.
   */
  idleSource: z.enum(IDLE_SOURCES).nullable().default(null),
  /** Whether the lock screen may show whose session is locked. Default false. */
  lockScreenShowsName: z.boolean().default(false),
  /** Whether sign-in must use a second factor. Default true. */
  mfaRequired: z.boolean().default(true),
  /** The cheapest password derivation a vault may use: Argon2id memory in MiB (default 64, at least 64) and passes (default 3, at least 3). */
  kdfMemoryMiB: z.number().int().min(64).max(2000).default(64),
  kdfPasses: z.number().int().min(3).max(20).default(3),
  /**
   * Shred a clinician's vault on this workstation once it has not been unlocked for this many
   * days (their messages stay on the server; a later sign-in starts a fresh vault). Default:
   * never; 1 to 3650 days.
   */
  vaultPurgeAfterDays: z.number().int().min(1).max(3650).nullable().default(null),
  /**
   * The folder that holds this workstation's data for every OS user of the computer: its device
   * key, its audit log and the clinicians' vaults. Default: `%ProgramData%\Wardline` on Windows,
   * `/var/lib/wardline` on Linux (main/fs/data-locations.ts). An absolute local path (the registry
   * reader expands a REG_EXPAND_SZ before this check; JSON is taken as written).
   */
  machineDataDir: z.string().max(240).refine(isAbsoluteLocalPath).nullable().default(null),
  /** The largest file a clinician may attach, in MiB (default 25; at most the format's 100). */
  attachmentMaxMiB: z
    .number()
    .int()
    .min(1)
    .max(ATTACHMENT_MAX_BYTES / (1024 * 1024))
    .default(25),
  /**
   * The kinds of file that may be attached (`jpeg`, `png`, `heic`, `pdf`) separated by commas.
   * Default: all of them.
   */
  attachmentKinds: z
    .string()
    .max(100)
    .refine((value) => parseAttachmentKinds(value) !== null, { message: 'not a comma-separated list of file kinds' })
    .nullable()
    .default(null),
  /**
   * Whether a received attachment may leave Wardline: `view-only` (default, as Spok does: shown
   * in Wardline's own viewer, never saved or copied out) or `save` (saved to the user's
   * Downloads folder, each save recorded in the audit trail).
   */
  attachmentSaving: z.enum(ATTACHMENT_SAVING).default('view-only'),
  /**
   * The minimum-necessary guard (shared/text/identifier-guard/) for each role that sends
   * messages: `off`, `warn` (the sender confirms, and the trail records it) or `block`. Default
   * `warn` for every role.
   */
  identifierGuardNurse: z.enum(GUARD_MODES).default('warn'),
  identifierGuardPhysician: z.enum(GUARD_MODES).default('warn'),
  identifierGuardFrontDesk: z.enum(GUARD_MODES).default('warn'),
  /**
   * Kinds of identifier refused wherever the guard is on, even for a role that is only warned:
   * their names (`ssn`, `card-number`, `mrn`, `date-of-birth`, `phone`, `email`,
   * `street-address`) separated by commas. Default: none.
   */
  identifierGuardBlockKinds: z
    .string()
    .max(200)
    .refine((value) => parseIdentifierKinds(value) !== null, {
      message: 'not a comma-separated list of identifier kinds',
    })
    .nullable()
    .default(null),
  /**
   * The hospital's medical record number formats, for the guard to catch an MRN with no "MRN"
   * before it: `#` a digit, `@` a letter, anything else itself, formats separated by `;`
   * (shared/text/identifier-guard/mrn-format.ts). Default: none (an MRN is caught after a word
   * such as "MRN" or "hospital number").
   */
  mrnFormats: z
    .string()
    .max(400)
    .refine((value) => parseMrnFormats(value).ok, {
      message: 'not a list of MRN formats (# a digit, @ a letter, ; between)',
    })
    .nullable()
    .default(null),
  /**
   * Roles that may send only IT's approved templates, never free text (shared/policy/
   * templates-only.ts): `nurse`, `physician`, `front-desk`, separated by commas. Default: none.
   */
  templatesOnlyRoles: z
    .string()
    .max(100)
    .refine((value) => parseTemplatesOnlyRoles(value) !== null, {
      message: 'not a comma-separated list of roles that send messages',
    })
    .nullable()
    .default(null),
  /**
   * The hospital's archive public key (X25519, base64), as `npm run archive:keygen` prints it:
   * every envelope this workstation seals is sealed to it too, so the compliance team, who keep
   * its private key offline, can read messages under eDiscovery (shared/protocol/archive-key.ts).
   * Set together with archiveKeyFingerprint. Default: none (messages are sealed to their
   * participants only; a server that requires an archive key then refuses them).
   */
  archivePublicKey: fixedBytes(KEY_BYTES).nullable().default(null),
  /**
   * The archive key's fingerprint as keygen prints it (64 hex digits, spaces between groups
   * allowed): IT copies both values, and the policy loader refuses the policy unless this is the
   * fingerprint of archivePublicKey (main/policy/policy-loader.ts), so a mistyped key cannot
   * pass. Default: none.
   */
  archiveKeyFingerprint: z
    .string()
    .max(100)
    .refine((value) => parseArchiveFingerprint(value) !== null, {
      message: 'not a fingerprint: 64 hexadecimal digits, spaces between groups allowed',
    })
    .nullable()
    .default(null),
  /**
   * How long this workstation keeps a clinician's messages, in days after the server accepted
   * them: older ones are removed from the vault at unlock and daily (main/messaging/
   * message-retention.ts). They stay on the server while its own retention keeps them, and a
   * thread scrolled back fetches them again. Default: no local bound (kept until the server's
   * expiry, a recall or the vault's purge); 1 to 3650 days.
   */
  messageRetentionDays: z.number().int().min(1).max(3650).nullable().default(null),
};

/**
 * A drive-letter path (`D:\Wardline`) or a POSIX one (`/srv/wardline`), with no `.` or `..`
 * step and no control or invisible format character; not a network share (`\\server\share`), whose locking
 * SQLite cannot trust. Which of the two forms fits the platform is checked where paths are
 * resolved (main/fs/data-locations.ts): this module runs in every process and knows no platform.
 */
export function isAbsoluteLocalPath(value: string): boolean {
  if (/[\p{Cc}\p{Cf}]/u.test(value)) return false;
  const windows = /^[A-Za-z]:[\\/]/.test(value);
  if (!windows && !(value.startsWith('/') && !value.startsWith('//'))) return false;
  const steps = value.slice(windows ? 3 : 1).split(/[\\/]/);
  return !steps.some((step) => step === '.' || step === '..');
}

export const policySchema = z
  .strictObject(policyShape)
  .refine((policy) => (policy.serverUrl === null) === (policy.caCertificate === null), {
    message: 'serverUrl and caCertificate are set together',
    path: ['caCertificate'],
  })
  .refine((policy) => (policy.archivePublicKey === null) === (policy.archiveKeyFingerprint === null), {
    message: 'archivePublicKey and archiveKeyFingerprint are set together',
    path: ['archiveKeyFingerprint'],
  });

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

export const POLICY_KEYS = Object.keys(policyShape) as (keyof Policy)[];

/** The idle source in force: the policy's, else the default for the kind of workstation. */
export function idleSourceOf(policy: Pick<Policy, 'idleSource' | 'sharedWorkstation'>): IdleSource {
  return policy.idleSource ?? (policy.sharedWorkstation ? 'app' : 'system');
}

/** Where the effective policy came from, for the Settings view and for IT. */
export const policySourceSchema = z.enum(['defaults', 'file', 'registry', 'override']);
export type PolicySource = z.infer<typeof policySourceSchema>;
