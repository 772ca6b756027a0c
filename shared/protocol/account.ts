/** A person as the directory and the server's answers name them: id, name, role, department, title. */
import { z } from 'zod';
import { ROLES } from '../access/permission-matrix';
import { userId } from './identifiers';

const text = (max: number) => z.string().max(max);

export const account = z.strictObject({
  userId,
  displayName: text(200),
  role: z.enum(ROLES),
  department: text(200),
  title: text(200),
});
export type Account = z.infer<typeof account>;
