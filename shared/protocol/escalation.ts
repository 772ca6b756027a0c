/**
 * Escalation of an unacknowledged STAT message, end to end encrypted.
 *
 * The sender's client seals the message at send time to everyone the escalation could reach (the
 * person on call, their backup, the role's members) and signs, in the header, the plan: after
 * how long each further group receives it, and how often to re-alert. The relay delivers at once
 * only to `header.recipients`; it holds the sealed envelope back from each later step's people
 * and releases it to them when the step is due and nobody has acknowledged yet.
 *
 * Why this design: a server that could pick escalation targets itself could be made to add a
 * reader. Here it can only release to people the sender signed for, who hold sealed keys; an
 * event that names anyone else is refused by clients (the signed plan does not name them), and an
 * envelope released to someone not sealed to cannot be opened. Alternatives weighed: re-sealing
 * by the sender's workstation at each step needs it online and awake when the step falls due;
 * a server-held key would let the server read.
 *
 * Repeats ("re-alert every 2 minutes") cost no new readers: the server sends a PHI-free alert
 * event to those already reached, at times fixed by the plan (`alertTimes`), bounded in number.
 */
import { z } from 'zod';
import { userId } from './identifiers';

export const ESCALATION_REASONS = ['backup', 'role'] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

const MINUTE_MS = 60_000;
/** Bounds on a plan's times: a step sooner than this is noise; later than a day is not urgent care. */
export const MIN_ESCALATION_DELAY_MS = MINUTE_MS;
export const MAX_ESCALATION_DELAY_MS = 24 * 60 * MINUTE_MS;
/** At most this many re-alerts per message, whatever the plan's interval. */
export const MAX_REPEATS = 15;
/** Re-alerts continue this many times after the last step, then stop. */
const REPEATS_AFTER_LAST_STEP = 3;

const delay = z.number().int().min(MIN_ESCALATION_DELAY_MS).max(MAX_ESCALATION_DELAY_MS);

export const escalationPlan = z
  .strictObject({
    /** Re-alert those reached while nobody has acknowledged; null: no repeats. */
    repeatEveryMs: delay.nullable(),
    steps: z
      .array(
        z.strictObject({
          /** From the server's acceptance of the message. */
          afterMs: delay,
          to: z.array(userId).min(1).max(100),
          reason: z.enum(ESCALATION_REASONS),
        }),
      )
      .max(3),
  })
  .superRefine((plan, context) => {
    const seen = new Set<string>();
    let previous = 0;
    for (const step of plan.steps) {
      if (step.afterMs <= previous) context.addIssue({ code: 'custom', message: 'steps out of order' });
      previous = step.afterMs;
      for (const id of step.to) {
        if (seen.has(id)) context.addIssue({ code: 'custom', message: 'escalation recipient repeated' });
        seen.add(id);
      }
    }
    if (plan.steps.length === 0 && plan.repeatEveryMs === null)
      context.addIssue({ code: 'custom', message: 'an empty plan' });
  });
export type EscalationPlan = z.infer<typeof escalationPlan>;

/**
 * When a role address's STAT messages re-alert and escalate: the organisation's defaults (server
 * option `escalation`), served with each role address in the directory so the sender's client
 * builds the plan it signs. Teams re-notifies urgent messages every 2 minutes; a backup after 5
 * and the whole role after 10 follow common paging practice.
 */
export const roleEscalationTimes = z
  .strictObject({ repeatEveryMs: delay.nullable(), backupAfterMs: delay, everyoneAfterMs: delay })
  .refine((times) => times.backupAfterMs < times.everyoneAfterMs, { message: 'backup after everyone' });
export type RoleEscalationTimes = z.infer<typeof roleEscalationTimes>;

export const DEFAULT_ESCALATION_TIMES: RoleEscalationTimes = Object.freeze({
  repeatEveryMs: 2 * MINUTE_MS,
  backupAfterMs: 5 * MINUTE_MS,
  everyoneAfterMs: 10 * MINUTE_MS,
});

/** Everyone a plan's steps may reach (the header's recipients are reached at once). */
export function escalationRecipients(plan: EscalationPlan | undefined): string[] {
  return plan === undefined ? [] : plan.steps.flatMap((step) => step.to);
}

/** The plan as it is signed: a fixed array, no object keys whose order could vary. */
export function escalationArray(plan: EscalationPlan): unknown[] {
  return [plan.repeatEveryMs, plan.steps.map((step) => [step.afterMs, step.to, step.reason])];
}

export interface ScheduledAlert {
  /** From acceptance. */
  readonly afterMs: number;
  /** The plan's step index, or null for a re-alert of those already reached. */
  readonly step: number | null;
}

/**
 * Every alert a plan schedules, in order: each step, and re-alerts every `repeatEveryMs` from
 * acceptance (restarting at each step, so the people a step reaches are re-alerted on the same
 * rhythm), at most REPEATS_AFTER_LAST_STEP after the last step and MAX_REPEATS in all.
 */
export function alertTimes(plan: EscalationPlan): ScheduledAlert[] {
  const alerts: ScheduledAlert[] = [];
  const starts = [0, ...plan.steps.map((step) => step.afterMs)];
  let repeats = 0;
  starts.forEach((start, index) => {
    if (index > 0) alerts.push({ afterMs: start, step: index - 1 });
    if (plan.repeatEveryMs === null) return;
    const next = plan.steps[index]?.afterMs;
    const end = next ?? start + plan.repeatEveryMs * REPEATS_AFTER_LAST_STEP;
    for (
      let at = start + plan.repeatEveryMs;
      at < end || (next === undefined && at === end);
      at += plan.repeatEveryMs
    ) {
      if (repeats >= MAX_REPEATS) return;
      alerts.push({ afterMs: at, step: null });
      repeats += 1;
    }
  });
  return alerts;
}
