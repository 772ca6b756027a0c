/**
 * The demo hospital's directory: at least one person of every role, two nurses and two
 * cardiology physicians, and the on-call cardiology role address. Invented people; for
 * demonstrations and manual testing only.
 */
import type { Role } from '../../shared/access/permission-matrix';
import type { RoleAddress } from '../directory/role-address-store';

export interface DemoPerson {
  readonly userId: string;
  readonly displayName: string;
  readonly role: Role;
  readonly department: string;
  readonly title: string;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    userId: 'nurse.adams',
    displayName: 'Grace Adams',
    role: 'nurse',
    department: 'Cardiology Ward 4B',
    title: 'Registered Nurse',
  },
  {
    userId: 'nurse.okafor',
    displayName: 'Chidi Okafor',
    role: 'nurse',
    department: 'Emergency Department',
    title: 'Charge Nurse',
  },
  {
    userId: 'dr.patel',
    displayName: 'Dr. Anika Patel',
    role: 'physician',
    department: 'Cardiology',
    title: 'Consultant Cardiologist',
  },
  {
    userId: 'dr.nguyen',
    displayName: 'Dr. Minh Nguyen',
    role: 'physician',
    department: 'Cardiology',
    title: 'Cardiology Registrar',
  },
  {
    userId: 'frontdesk.lopez',
    displayName: 'Maria Lopez',
    role: 'front-desk',
    department: 'Outpatient Reception',
    title: 'Front Desk Coordinator',
  },
  {
    userId: 'it.schmidt',
    displayName: 'Jonas Schmidt',
    role: 'it-admin',
    department: 'Information Technology',
    title: 'Systems Administrator',
  },
  {
    userId: 'compliance.reed',
    displayName: 'Evelyn Reed',
    role: 'compliance-officer',
    department: 'Compliance',
    title: 'Privacy Officer',
  },
];

export const DEMO_ROLE_ADDRESSES: readonly (RoleAddress & { readonly members: readonly string[] })[] = [
  {
    addressId: 'role:oncall-cardiology',
    displayName: 'On-call cardiology',
    department: 'Cardiology',
    description: 'The cardiology physicians on call',
    members: ['dr.patel', 'dr.nguyen'],
  },
];
