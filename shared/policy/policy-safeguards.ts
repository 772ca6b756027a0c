/**
 * The policy self-test: which HIPAA Security Rule technical safeguard (45 CFR 164.312) each
 * policy key implements (or, for the identifier check, the Privacy Rule's minimum-necessary
 * standard, 164.502(b)), and for a given policy whether each safeguard is met, weakened or off.
 * One table, typed so that a key added to the schema without its safeguard and its judgement is
 * a type error. Pure: the policy check command and the Settings view both show it.
 *
 * The thresholds are Wardline's documented stance, not the Rule's text (the Rule names
 * safeguards, not numbers): a screen lock within 15 minutes and a sign-out within an hour of
 * locking, as common hospital baselines ask; passwords of 12 or more with a second factor
 * (NIST SP 800-63B); PINs of 6 digits or more for unlocking only.
 */
import { idleSourceOf, type GuardMode, type Policy } from './policy-schema';

export const SAFEGUARDS = {
  accessControl: { citation: '164.312(a)(1)', title: 'Access control' },
  automaticLogoff: { citation: '164.312(a)(2)(iii)', title: 'Automatic logoff' },
  encryption: { citation: '164.312(a)(2)(iv)', title: 'Encryption and decryption' },
  auditControls: { citation: '164.312(b)', title: 'Audit controls' },
  authentication: { citation: '164.312(d)', title: 'Person or entity authentication' },
  transmissionSecurity: { citation: '164.312(e)(1)', title: 'Transmission security' },
  minimumNecessary: { citation: '164.502(b)', title: 'Minimum necessary' },
} as const;
export type SafeguardId = keyof typeof SAFEGUARDS;

/** Worst last: a safeguard is as strong as its weakest key. */
export const SAFEGUARD_STATUSES = ['met', 'weakened', 'off'] as const;
export type SafeguardStatus = (typeof SAFEGUARD_STATUSES)[number];

export interface KeyFinding {
  readonly key: keyof Policy;
  readonly status: SafeguardStatus;
  /** Why, in a sentence IT can act on. */
  readonly why: string;
}

export interface SafeguardResult {
  readonly id: SafeguardId;
  readonly citation: string;
  readonly title: string;
  readonly status: SafeguardStatus;
  readonly findings: readonly KeyFinding[];
}

type Judgement = readonly [SafeguardStatus, string];
interface KeyRule {
  readonly safeguard: SafeguardId;
  readonly judge: (policy: Policy) => Judgement;
}

const LOCK_WITHIN_S = 15 * 60;
const LOGOFF_WITHIN_S = 60 * 60;
const PASSWORD_MIN = 12;
const PIN_MIN = 6;

const met = (why: string): Judgement => ['met', why];
const weakened = (why: string): Judgement => ['weakened', why];

/** One role's identifier check (`who` as a sentence starts): off lets identifiers go unremarked. */
const guardOf = (who: string, mode: GuardMode): Judgement =>
  mode === 'off'
    ? weakened(`Messages ${who.toLowerCase()} send are not checked for identifiers.`)
    : met(
        mode === 'warn'
          ? `${who} confirm before sending a message that holds an identifier; the trail records it.`
          : `${who} cannot send a message that holds an identifier.`,
      );

const RULES: { readonly [K in keyof Policy]: KeyRule } = {
  serverUrl: {
    safeguard: 'transmissionSecurity',
    judge: (p) =>
      p.serverUrl === null
        ? ['off', 'No server is set by policy: no pinned, verified connection for messages.']
        : met('Messages go only to the server policy names, over TLS.'),
  },
  caCertificate: {
    safeguard: 'transmissionSecurity',
    judge: (p) =>
      p.caCertificate === null
        ? ['off', 'No CA is pinned by policy.']
        : met("The server's certificate must chain to the CA policy pins."),
  },
  workstationName: {
    safeguard: 'auditControls',
    judge: (p) =>
      met(
        p.workstationName === null
          ? 'Audit records name this workstation by its computer name; the trail cannot be turned off.'
          : 'Audit records name this workstation as IT does; the trail cannot be turned off.',
      ),
  },
  idleLockSeconds: {
    safeguard: 'automaticLogoff',
    judge: (p) =>
      p.idleLockSeconds <= LOCK_WITHIN_S
        ? met('The screen locks within 15 minutes of inactivity.')
        : weakened('The screen stays unlocked for more than 15 minutes of inactivity.'),
  },
  autoLogoffSeconds: {
    safeguard: 'automaticLogoff',
    judge: (p) =>
      p.autoLogoffSeconds <= LOGOFF_WITHIN_S
        ? met('A locked session is signed out within an hour.')
        : weakened('A locked session stays signed in for more than an hour.'),
  },
  sharedWorkstation: {
    safeguard: 'automaticLogoff',
    judge: (p) =>
      met(
        p.sharedWorkstation
          ? "Another user's sign-in ends the previous session at once."
          : 'Set for a computer one person uses; do not use on a shared ward workstation.',
      ),
  },
  idleSource: {
    safeguard: 'automaticLogoff',
    judge: (p) =>
      p.sharedWorkstation && idleSourceOf(p) === 'system'
        ? weakened('On a shared workstation, a colleague using another program keeps the session unlocked.')
        : met('Only activity by the person signed in keeps the session unlocked.'),
  },
  pinAllowed: {
    safeguard: 'authentication',
    judge: (p) =>
      met(
        p.pinAllowed
          ? 'A PIN only unlocks a locked session; signing in takes the password.'
          : 'Unlocking takes the password.',
      ),
  },
  pinMinLength: {
    safeguard: 'authentication',
    judge: (p) =>
      !p.pinAllowed || p.pinMinLength >= PIN_MIN
        ? met('PINs have at least 6 digits, or are not allowed.')
        : weakened('PINs may have fewer than 6 digits.'),
  },
  passwordMinLength: {
    safeguard: 'authentication',
    judge: (p) =>
      p.passwordMinLength >= PASSWORD_MIN
        ? met('Passwords have at least 12 characters.')
        : weakened('Passwords may have fewer than 12 characters.'),
  },
  mfaRequired: {
    safeguard: 'authentication',
    judge: (p) =>
      p.mfaRequired
        ? met('Every sign-in needs a second factor.')
        : weakened('The server decides whether a sign-in needs a second factor.'),
  },
  kdfMemoryMiB: {
    safeguard: 'encryption',
    judge: () => met('Keys derive from passwords with Argon2id at 64 MiB or more (the lowest policy allows).'),
  },
  kdfPasses: {
    safeguard: 'encryption',
    judge: () => met('Keys derive from passwords with 3 Argon2id passes or more (the lowest policy allows).'),
  },
  vaultPurgeAfterDays: {
    safeguard: 'encryption',
    judge: (p) =>
      met(
        p.vaultPurgeAfterDays === null
          ? 'Vaults stay encrypted on this computer until a wipe.'
          : 'Vaults stay encrypted, and are shredded after the days of disuse policy sets.',
      ),
  },
  machineDataDir: {
    safeguard: 'accessControl',
    judge: (p) =>
      met(
        `Workstation data is kept in ${p.machineDataDir === null ? 'the per-machine folder' : 'the folder policy names'}, closed to other accounts as far as the OS allows.`,
      ),
  },
  notificationContent: {
    safeguard: 'accessControl',
    judge: (p) =>
      p.notificationContent === 'count'
        ? met('Notifications say only that a message arrived.')
        : weakened("Notifications show a sender's name to anyone at the screen."),
  },
  lockScreenShowsName: {
    safeguard: 'accessControl',
    judge: (p) =>
      p.lockScreenShowsName
        ? weakened('The lock screen shows whose session is locked.')
        : met('The lock screen names nobody.'),
  },
  attachmentMaxMiB: {
    safeguard: 'minimumNecessary',
    judge: (p) => met(`Attachments are limited to ${String(p.attachmentMaxMiB)} MiB.`),
  },
  attachmentKinds: {
    safeguard: 'minimumNecessary',
    judge: (p) =>
      met(
        p.attachmentKinds === null
          ? 'Photos and PDFs may be attached; photos lose their metadata before sending.'
          : 'Only the kinds of file policy names may be attached.',
      ),
  },
  attachmentSaving: {
    safeguard: 'accessControl',
    judge: (p) =>
      p.attachmentSaving === 'view-only'
        ? met('Attachments are viewed in Wardline only, never saved to disk.')
        : weakened('Attachments may be saved to disk, outside the encrypted vault; each save is recorded.'),
  },
  identifierGuardNurse: { safeguard: 'minimumNecessary', judge: (p) => guardOf('Nurses', p.identifierGuardNurse) },
  identifierGuardPhysician: {
    safeguard: 'minimumNecessary',
    judge: (p) => guardOf('Physicians', p.identifierGuardPhysician),
  },
  identifierGuardFrontDesk: {
    safeguard: 'minimumNecessary',
    judge: (p) => guardOf('Front-desk staff', p.identifierGuardFrontDesk),
  },
  identifierGuardBlockKinds: {
    safeguard: 'minimumNecessary',
    judge: (p) =>
      met(
        p.identifierGuardBlockKinds === null
          ? 'No kind of identifier is refused outright; each role is warned or blocked as set.'
          : 'The kinds of identifier policy names are refused for every checked role.',
      ),
  },
  mrnFormats: {
    safeguard: 'minimumNecessary',
    judge: (p) =>
      met(
        p.mrnFormats === null
          ? 'An MRN is found after a word such as "MRN"; set the hospital\'s formats to find it alone.'
          : "The hospital's MRN formats are found wherever they are written.",
      ),
  },
  templatesOnlyRoles: {
    safeguard: 'minimumNecessary',
    judge: (p) =>
      met(
        p.templatesOnlyRoles === null
          ? 'Every role may write free text; the identifier check applies to it.'
          : 'The roles policy names send only approved templates.',
      ),
  },
  archivePublicKey: {
    safeguard: 'encryption',
    judge: (p) =>
      met(
        p.archivePublicKey === null
          ? 'Messages are sealed to their participants only; the hospital holds no key that reads them.'
          : "Messages are also sealed to the hospital's archive key, kept offline by compliance; Settings tells users.",
      ),
  },
  archiveKeyFingerprint: {
    safeguard: 'encryption',
    judge: (p) =>
      met(
        p.archiveKeyFingerprint === null
          ? 'No archive key is set.'
          : "The archive key's fingerprint was checked against the key when the policy was read.",
      ),
  },
  messageRetentionDays: {
    safeguard: 'accessControl',
    judge: (p) =>
      met(
        p.messageRetentionDays === null
          ? 'Messages stay in the encrypted vault on this computer with no local time limit.'
          : 'Messages older than the days policy sets are removed from this computer; the server keeps its own copy.',
      ),
  },
};

const worst = (statuses: readonly SafeguardStatus[]): SafeguardStatus =>
  SAFEGUARD_STATUSES[Math.max(0, ...statuses.map((status) => SAFEGUARD_STATUSES.indexOf(status)))] ?? 'met';

/** The safeguard a key implements. */
export function safeguardOf(key: keyof Policy): SafeguardId {
  return RULES[key].safeguard;
}

/** Every safeguard, in the Rule's order, with its status under this policy and each key's finding. */
export function policySelfTest(policy: Policy): SafeguardResult[] {
  const keys = Object.keys(RULES) as (keyof Policy)[];
  return (Object.keys(SAFEGUARDS) as SafeguardId[]).map((id) => {
    const findings = keys
      .filter((key) => RULES[key].safeguard === id)
      .map((key): KeyFinding => {
        const [status, why] = RULES[key].judge(policy);
        return { key, status, why };
      });
    return { id, ...SAFEGUARDS[id], status: worst(findings.map((finding) => finding.status)), findings };
  });
}
