/**
 * Who in a conversation is on standby: sealed to by a STAT message's escalation plan, but never
 * reached, because someone acknowledged before their step fell due. They hold a key to that one
 * message so the plan could reach them; a reply does not go to them (minimum necessary: a
 * follow-up about the patient reaches those the message reached, not every member of the role).
 * The reply names them in its sealed body (`conversation.standby`), so leaving them out is open,
 * and a receiver accepts it only for people an escalation plan in the thread names.
 */
import type { EscalationPlan } from '../../shared/protocol/escalation';

export interface PlannedMessage {
  readonly senderId: string;
  readonly plan: EscalationPlan;
  /** The plan's steps the server released (their indices). */
  readonly releasedSteps: readonly number[];
}

/** Named in a plan step not (yet) released, and neither reached by another step nor a sender of a planned message. */
export function standbyParticipants(messages: readonly PlannedMessage[]): Set<string> {
  const planned = new Set<string>();
  const reached = new Set<string>();
  for (const message of messages) {
    reached.add(message.senderId);
    message.plan.steps.forEach((step, index) => {
      for (const id of step.to) (message.releasedSteps.includes(index) ? reached : planned).add(id);
    });
  }
  for (const id of reached) planned.delete(id);
  return planned;
}

/** Everyone any plan in the thread names: the only people a reply may leave out. */
export function plannedParticipants(messages: readonly PlannedMessage[]): Set<string> {
  return new Set(messages.flatMap((message) => message.plan.steps.flatMap((step) => step.to)));
}
