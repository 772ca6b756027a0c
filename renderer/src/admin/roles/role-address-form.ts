/**
 * The role address form's rules, before anything is sent: an id of the form `role:…` (typed with
 * or without the prefix, any case), and a name, department and description as they will be shown
 * (the one display rule: trimmed, runs of spaces collapsed, nothing invisible), within the
 * server's bounds, so its MALFORMED_REQUEST is not what the admin meets. Pure.
 */
import type { RequestOf } from '../../../../shared/ipc/contract';
import { roleAddressId } from '../../../../shared/protocol/identifiers';
import { err, ok, type Result } from '../../../../shared/result';
import { displayText } from '../../../../shared/text/display-text';

export interface RoleAddressForm {
  readonly addressId: string;
  readonly displayName: string;
  readonly department: string;
  readonly description: string;
}

export type RoleAddressField = keyof RoleAddressForm;
export type RoleAddressErrors = Partial<Record<RoleAddressField, string>>;

export const ROLE_ADDRESS_PREFIX = 'role:';
export const ROLE_ADDRESS_ID_MAX = 80;
/** The server's bounds on what others see. */
export const FIELD_MAX = { displayName: 200, department: 200, description: 500 } as const;

export const EMPTY_ROLE_ADDRESS: RoleAddressForm = { addressId: '', displayName: '', department: '', description: '' };

/** `oncall-cardiology` or `Role:Oncall-Cardiology ` as the id the server takes: `role:oncall-cardiology`. */
export function normalizeRoleAddressId(typed: string): string {
  const id = typed.trim().toLowerCase();
  return id.startsWith(ROLE_ADDRESS_PREFIX) ? id : `${ROLE_ADDRESS_PREFIX}${id}`;
}

type Request = RequestOf<'admin.createRoleAddress'>;

/** The request to send, or what is wrong with each field (in the form's order). */
export function checkRoleAddress(form: RoleAddressForm): Result<Request, RoleAddressErrors> {
  const errors: RoleAddressErrors = {};
  const addressId = normalizeRoleAddressId(form.addressId);
  if (addressId === ROLE_ADDRESS_PREFIX) errors.addressId = 'Enter an ID, such as role:oncall-cardiology.';
  else if (addressId.length > ROLE_ADDRESS_ID_MAX)
    errors.addressId = `At most ${String(ROLE_ADDRESS_ID_MAX)} characters.`;
  else if (!roleAddressId.safeParse(addressId).success)
    errors.addressId = 'After role:, use lower-case letters, digits and dashes, starting with a letter or digit.';
  const shown = {
    displayName: displayText(form.displayName),
    department: displayText(form.department),
    description: displayText(form.description),
  };
  if (shown.displayName === '') errors.displayName = 'Enter the name people will see, such as On-call cardiology.';
  for (const field of ['displayName', 'department', 'description'] as const)
    if (shown[field].length > FIELD_MAX[field]) errors[field] = `At most ${String(FIELD_MAX[field])} characters.`;
  return Object.keys(errors).length > 0 ? err(errors) : ok({ addressId, ...shown });
}
