/**
 * Who a new message to a role address reaches, decided without I/O from the directory's entry:
 *
 * - with someone on call now (the address's schedule, shifts not ended at sending), the message
 *   goes to them (or, when the sender alone is on call, to their backups); a STAT message is
 *   also sealed for the backups and the role's other members, with a signed plan that releases
 *   it to the backups, then to everyone, if nobody acknowledges in time
 *   (shared/protocol/escalation.ts);
 * - with nobody on call, it goes to every member, and a STAT message is re-alerted until someone
 *   acknowledges it.
 *
 * Members who cannot take part (inactive, or in a role that receives no messages) are never
 * addressed. The times are the role's, as the directory serves them.
 */
import { receivesMessages } from '../../shared/access/permission-matrix';
import type { DirectoryRole } from '../../shared/protocol/api';
import type { Priority } from '../../shared/protocol/envelope';
import type { EscalationPlan } from '../../shared/protocol/escalation';

export interface RoleRouting {
  /** Who receives it at once. */
  readonly recipients: string[];
  /** STAT only: who receives it later, and when. */
  readonly plan: EscalationPlan | undefined;
}

export function routeToRole(
  role: DirectoryRole,
  priority: Priority,
  context: { readonly selfId: string; readonly now: number },
): RoleRouting {
  const times = role.escalation;
  const members = role.members
    .filter((member) => member.active && receivesMessages(member.role) && member.userId !== context.selfId)
    .map((member) => member.userId);
  const eligible = new Set(members);
  const unique = (ids: readonly string[]) => [...new Set(ids)].filter((id) => eligible.has(id));
  // Shifts that ended since the directory answered no longer count.
  const current = role.onCall.filter((shift) => shift.endsAt > context.now);
  const onCall = unique(current.map((shift) => shift.userId));
  const backups = unique(current.flatMap((shift) => (shift.backupUserId === null ? [] : [shift.backupUserId]))).filter(
    (id) => !onCall.includes(id),
  );
  // The sender alone on call (or nobody on call who can receive): their backups, at once.
  const first = onCall.length > 0 ? onCall : backups;
  if (first.length === 0) {
    return {
      recipients: members,
      plan:
        priority === 'stat' && members.length > 0 && times.repeatEveryMs !== null
          ? { repeatEveryMs: times.repeatEveryMs, steps: [] }
          : undefined,
    };
  }
  if (priority !== 'stat') return { recipients: first, plan: undefined };
  const laterBackups = onCall.length > 0 ? backups : [];
  const rest = members.filter((id) => !first.includes(id) && !laterBackups.includes(id));
  const steps: EscalationPlan['steps'] = [];
  if (laterBackups.length > 0) steps.push({ afterMs: times.backupAfterMs, to: laterBackups, reason: 'backup' });
  if (rest.length > 0) steps.push({ afterMs: times.everyoneAfterMs, to: rest, reason: 'role' });
  return {
    recipients: first,
    plan:
      steps.length === 0 && times.repeatEveryMs === null ? undefined : { repeatEveryMs: times.repeatEveryMs, steps },
  };
}

/**
 * The routing without role members who turned out unable to receive (no keys yet), or null when
 * that cannot be done: someone named by the sender is among them, or nobody would be left. If
 * everyone reached at once is gone, the plan's first step is reached at once instead.
 */
export function leaveOutUnreachable(
  routing: RoleRouting,
  unreachable: readonly string[],
  throughRole: ReadonlySet<string>,
): RoleRouting | null {
  if (!unreachable.every((id) => throughRole.has(id))) return null;
  const gone = new Set(unreachable);
  let recipients = routing.recipients.filter((id) => !gone.has(id));
  let steps = (routing.plan?.steps ?? [])
    .map((step) => ({ ...step, to: step.to.filter((id) => !gone.has(id)) }))
    .filter((step) => step.to.length > 0);
  if (recipients.length === 0 && steps[0] !== undefined) {
    recipients = steps[0].to;
    steps = steps.slice(1);
  }
  if (recipients.length === 0) return null;
  const plan = routing.plan === undefined ? undefined : { ...routing.plan, steps };
  return {
    recipients,
    plan: plan !== undefined && plan.steps.length === 0 && plan.repeatEveryMs === null ? undefined : plan,
  };
}
