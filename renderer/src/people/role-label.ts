/** How each role reads on screen: in the header, beside a sender, in the directory. */
import type { Role } from '../../../shared/access/permission-matrix';

const LABELS: Record<Role, string> = {
  nurse: 'Nurse',
  physician: 'Physician',
  'front-desk': 'Front desk',
  'it-admin': 'IT administrator',
  'compliance-officer': 'Compliance officer',
};

export function roleLabel(role: Role): string {
  return LABELS[role];
}
