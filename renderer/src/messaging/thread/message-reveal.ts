/** A message to open in its thread and bring into view (a search result); `request` counts the asks. */
export interface MessageReveal {
  readonly conversationId: string;
  readonly messageId: string;
  readonly sentAt: number;
  readonly request: number;
}
