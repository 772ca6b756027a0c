/**
 * The SIEM forwarder's FIFO of framed messages, with O(1) shift so a long outage's backlog does not
 * make every write quadratic. Each message keeps its id (its place in send order) across
 * connections, so delivery is confirmed by id.
 */
export interface QueuedMessage {
  readonly id: number;
  readonly bytes: Buffer;
  /** When the write completed on the current connection. */
  writtenAt?: number;
}

export class MessageQueue {
  private items: QueuedMessage[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  first(): QueuedMessage | undefined {
    return this.items[this.head];
  }

  push(item: QueuedMessage): void {
    this.items.push(item);
  }

  shift(): QueuedMessage | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Puts items (older than everything queued) back at the front. */
  unshiftAll(items: readonly QueuedMessage[]): void {
    this.items = [...items, ...this.items.slice(this.head)];
    this.head = 0;
  }

  takeAll(): QueuedMessage[] {
    const items = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return items;
  }
}
