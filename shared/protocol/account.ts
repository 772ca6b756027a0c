/** A person as the directory and the server's answers name them: id, name, role, department, title. */
import { z } from 'zod';
import { ROLES } from '../access/permission-matrix';
import { isScimTokenActor, userId } from './identifiers';

const text = (max: number) => z.string().max(max);

export const account = z.strictObject({
  /** Never a SCIM token's actor id: the trail would read the token's changes as this person's. */
  userId: userId.refine((id) => !isScimTokenActor(id)),
  displayName: text(200),
  role: z.enum(ROLES),
  department: text(200),
  title: text(200),
});
export type Account = z.infer<typeof account>;
