/**
 * The policy as the Settings view lists it: a plain label and value for each key, in the order
 * IT's documentation gives them. Pure, so the wording is tested without a browser.
 */
import { idleSourceOf, type GuardMode, type Policy } from '../../../shared/policy/policy-schema';
import { parseIdentifierKinds, IDENTIFIER_NOUNS } from '../../../shared/text/identifier-guard/identifier-kinds';
import { groupedFingerprint, parseArchiveFingerprint } from '../../../shared/protocol/archive-key';

export interface PolicyRow {
  readonly key: keyof Policy;
  readonly label: string;
  readonly value: string;
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${String(seconds / 3600)} h`;
  if (seconds % 60 === 0) return `${String(seconds / 60)} min`;
  return `${String(seconds)} s`;
}

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

const GUARD_MODE_TEXT: Readonly<Record<GuardMode, string>> = {
  off: 'Off',
  warn: 'Warn, and let the sender confirm',
  block: 'Block the message',
};

/** "Social security numbers, payment card numbers", or "None". */
function blockedKindsText(value: string | null): string {
  const kinds = value === null ? [] : (parseIdentifierKinds(value) ?? []);
  if (kinds.length === 0) return 'None';
  const text = kinds.map((kind) => IDENTIFIER_NOUNS[kind].many).join(', ');
  return `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;
}

/** The source in force, and when policy leaves it unset, that it follows the kind of workstation. */
function idleSourceText(policy: Policy): string {
  const text = idleSourceOf(policy) === 'app' ? 'Input in Wardline only' : 'Input anywhere on this computer';
  if (policy.idleSource !== null) return text;
  return `${text} (the default for a ${policy.sharedWorkstation ? 'shared' : 'personal'} workstation)`;
}

/** The fingerprint in groups of four, as keygen printed it; null when policy sets none. */
export function archiveFingerprintText(value: string | null): string | null {
  const fingerprint = value === null ? null : parseArchiveFingerprint(value);
  return fingerprint === null ? null : groupedFingerprint(fingerprint);
}

/** The local retention in force, in plain words (message-retention.ts in main applies it). */
export function retentionText(days: number | null): string {
  if (days === null) return 'No time limit set: messages stay until they expire or are recalled';
  return `Messages older than ${String(days)} ${days === 1 ? 'day' : 'days'} are removed from this workstation; the server may keep them longer`;
}

/**
 * `dataFolder`: the workstation data folder in force (main resolves it from the policy and the
 * platform: main/fs/data-locations.ts), so IT sees where the data is, not only what policy says.
 */
export function policyRows(policy: Policy, dataFolder: string | null = null): PolicyRow[] {
  return [
    { key: 'serverUrl', label: 'Server', value: policy.serverUrl ?? 'Not set by policy' },
    {
      key: 'caCertificate',
      label: 'Pinned certificate authority',
      value: policy.caCertificate === null ? 'Not set by policy' : 'Set',
    },
    { key: 'workstationName', label: 'This workstation’s name', value: policy.workstationName ?? 'Its computer name' },
    { key: 'idleLockSeconds', label: 'Lock after idle', value: duration(policy.idleLockSeconds) },
    { key: 'autoLogoffSeconds', label: 'Sign out after locked for', value: duration(policy.autoLogoffSeconds) },
    { key: 'pinAllowed', label: 'Unlock with a PIN', value: yesNo(policy.pinAllowed) },
    {
      key: 'passwordMinLength',
      label: 'Shortest new password',
      value: `${String(policy.passwordMinLength)} characters`,
    },
    { key: 'pinMinLength', label: 'Shortest PIN', value: `${String(policy.pinMinLength)} digits` },
    {
      key: 'notificationContent',
      label: 'Notifications show',
      value: policy.notificationContent === 'count' ? 'That a message arrived' : 'The sender’s name',
    },
    { key: 'sharedWorkstation', label: 'Shared workstation', value: yesNo(policy.sharedWorkstation) },
    { key: 'idleSource', label: 'Stays unlocked while there is', value: idleSourceText(policy) },
    { key: 'lockScreenShowsName', label: 'Lock screen shows your name', value: yesNo(policy.lockScreenShowsName) },
    { key: 'mfaRequired', label: 'Authentication code required', value: yesNo(policy.mfaRequired) },
    { key: 'kdfMemoryMiB', label: 'Password hashing memory (minimum)', value: `${String(policy.kdfMemoryMiB)} MiB` },
    { key: 'kdfPasses', label: 'Password hashing passes (minimum)', value: String(policy.kdfPasses) },
    {
      key: 'vaultPurgeAfterDays',
      label: 'Remove a clinician’s data from this workstation when unused for',
      value:
        policy.vaultPurgeAfterDays === null
          ? 'Never'
          : `${String(policy.vaultPurgeAfterDays)} ${policy.vaultPurgeAfterDays === 1 ? 'day' : 'days'}`,
    },
    {
      key: 'machineDataDir',
      label: 'Workstation data folder',
      value:
        policy.machineDataDir !== null
          ? (dataFolder ?? policy.machineDataDir)
          : dataFolder === null
            ? 'This computer’s default'
            : `${dataFolder} (this computer’s default)`,
    },
    {
      key: 'attachmentMaxMiB',
      label: 'Largest attachment',
      value: `${String(policy.attachmentMaxMiB)} MB`,
    },
    {
      key: 'attachmentKinds',
      label: 'Files that may be attached',
      value: policy.attachmentKinds ?? 'Photos (JPEG, PNG, HEIC) and PDFs',
    },
    {
      key: 'attachmentSaving',
      label: 'Saving attachments',
      value:
        policy.attachmentSaving === 'save'
          ? 'Allowed, to Downloads; each save is recorded'
          : 'Not allowed: viewed in Wardline only',
    },
    {
      key: 'identifierGuardNurse',
      label: 'Identifiers in nurses’ messages',
      value: GUARD_MODE_TEXT[policy.identifierGuardNurse],
    },
    {
      key: 'identifierGuardPhysician',
      label: 'Identifiers in physicians’ messages',
      value: GUARD_MODE_TEXT[policy.identifierGuardPhysician],
    },
    {
      key: 'identifierGuardFrontDesk',
      label: 'Identifiers in front-desk messages',
      value: GUARD_MODE_TEXT[policy.identifierGuardFrontDesk],
    },
    {
      key: 'identifierGuardBlockKinds',
      label: 'Identifiers never sent',
      value: blockedKindsText(policy.identifierGuardBlockKinds),
    },
    {
      key: 'mrnFormats',
      label: 'Medical record number formats',
      value: policy.mrnFormats ?? 'Not set: found after “MRN” and similar words',
    },
    {
      key: 'templatesOnlyRoles',
      label: 'Roles restricted to templates',
      value: policy.templatesOnlyRoles ?? 'None: every role may write its own messages',
    },
    {
      key: 'archivePublicKey',
      label: 'Hospital message archive',
      value:
        policy.archivePublicKey === null
          ? 'None: only a message’s participants can read it'
          : 'Messages sent here are also sealed to the hospital’s archive key',
    },
    {
      key: 'archiveKeyFingerprint',
      label: 'Archive key fingerprint',
      value: archiveFingerprintText(policy.archiveKeyFingerprint) ?? 'None',
    },
    {
      key: 'messageRetentionDays',
      label: 'Messages kept on this workstation',
      value: retentionText(policy.messageRetentionDays),
    },
  ];
}
