/**
 * The workstation's feed stream hands events over in pages (main/server-link/feed-stream.ts):
 * a backlog comes in pages of many, in order, and a page that could not be stored takes the
 * socket and everything that came after it on it, so nothing is stored past an event that was
 * not. Against a real server; the "vault" here is a cursor that must never skip a sequence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asArrived, createFeedStream, MAX_PAGE_EVENTS, type FeedStream } from '../../../main/server-link/feed-stream';
import type { FeedEvent } from '../../../shared/protocol/feed';
import {
  HOOK_TIMEOUT_MS,
  readyUsers,
  signIn,
  sealMessage,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

/** More than two pages: enough to see the bound on what is prepared ahead. */
const BACKLOG = 2 * MAX_PAGE_EVENTS + 50;

let target: TestServer;
let nurse: TestUser;
let doctor: TestUser;

beforeAll(async () => {
  target = await startTestServer('pglite');
  [nurse, doctor] = (await readyUsers(target, [
    { userId: 'nurse.pages', displayName: 'Grace Adams' },
    { userId: 'doctor.pages', displayName: 'Chidi Okafor' },
  ])) as [TestUser, TestUser];
  const conversationId = crypto.randomUUID();
  for (let i = 0; i < BACKLOG; i += 1) {
    const envelope = await sealMessage(target, { from: nurse, to: [doctor], text: `obs ${String(i)}`, conversationId });
    await target.api.ok('send', { envelope }, token(nurse));
  }
}, HOOK_TIMEOUT_MS * 3);
afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

/** A stream for the doctor whose store is `store`. */
function streamFor(
  store: (page: readonly FeedEvent[]) => Promise<void>,
  cursor: () => number,
  prepare: (event: FeedEvent) => Promise<FeedEvent> = asArrived,
  onBacklog?: (through: number) => void,
): FeedStream {
  return createFeedStream({
    endpoint: { url: target.server.url, caPem: target.caPem },
    token: () => token(doctor),
    cursor: () => Promise.resolve(cursor()),
    prepare,
    onEvents: store,
    ...(onBacklog === undefined ? {} : { onBacklog }),
    onState: () => undefined,
    onSessionEnded: () => undefined,
    backoffMs: () => 10,
  });
}

/**
 * A stand-in vault: its cursor, and every event it was handed out of order. Not an expect: the
 * stream takes a throw from the store for a failed page.
 */
function orderedVault() {
  const vault = {
    cursor: 0,
    skipped: [] as number[],
    store(page: readonly FeedEvent[]) {
      for (const event of page) {
        if (event.seq !== vault.cursor + 1) vault.skipped.push(event.seq);
        vault.cursor = event.seq;
      }
    },
  };
  return vault;
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 30_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the feed in pages', () => {
  it('hands a backlog over in order, in pages of many, none larger than the limit', async () => {
    const vault = orderedVault();
    const pages: number[] = [];
    const backlog: number[] = [];
    const stream = streamFor(
      async (page) => {
        pages.push(page.length);
        vault.store(page);
        // A vault takes its time (the first page longest): the backlog piles up meanwhile.
        await new Promise((resolve) => setTimeout(resolve, pages.length === 1 ? 500 : 30));
      },
      () => vault.cursor,
      asArrived,
      (through) => backlog.push(through),
    );
    stream.start();
    try {
      await until(() => vault.cursor === BACKLOG);
      expect(vault.skipped).toEqual([]);
      // The server said how far the backlog runs, for the header's progress.
      expect(backlog).toEqual([BACKLOG]);
      // Everything else arrived during the first page: it comes in full pages, none larger.
      expect(pages).toContain(MAX_PAGE_EVENTS);
      expect(Math.max(...pages)).toBe(MAX_PAGE_EVENTS);
      expect(pages.length).toBeLessThan(BACKLOG / 10);
    } finally {
      await stream.stop();
    }
  });

  it('announces no backlog that one page holds', async () => {
    let cursor = BACKLOG - 10;
    const backlog: number[] = [];
    const stream = streamFor(
      (page) => {
        cursor = page.at(-1)?.seq ?? cursor;
        return Promise.resolve();
      },
      () => cursor,
      asArrived,
      (through) => backlog.push(through),
    );
    stream.start();
    try {
      await until(() => cursor === BACKLOG);
      expect(backlog).toEqual([]);
    } finally {
      await stream.stop();
    }
  });

  it('stores nothing past a page that failed: the rest comes again from the cursor', async () => {
    const vault = orderedVault();
    let failedOnce = false;
    const handed: number[] = [];
    const stream = streamFor(
      async (page) => {
        handed.push(...page.map((event) => event.seq));
        // The vault refuses the first page that holds event 3 (a full disk, say), once.
        if (!failedOnce && page.some((event) => event.seq === 3)) {
          failedOnce = true;
          throw new Error('disk full');
        }
        vault.store(page);
        // The first page takes long enough for the rest to arrive: events wait behind the failure.
        await new Promise((resolve) => setTimeout(resolve, vault.cursor < 3 ? 500 : 5));
      },
      () => vault.cursor,
    );
    stream.start();
    try {
      await until(() => vault.cursor === BACKLOG);
      expect(failedOnce).toBe(true);
      expect(vault.skipped).toEqual([]);
      // Event 3 came again, after the failure, and so did whatever had arrived after it.
      expect(handed.filter((seq) => seq === 3)).toHaveLength(2);
    } finally {
      await stream.stop();
    }
  });

  it('prepares what arrives while the page before it is stored, and no more than two pages ahead', async () => {
    let cursor = 0;
    let storing = false;
    const preparedWhileStoring: number[] = [];
    const stream = streamFor(
      async (page) => {
        storing = true;
        cursor = page.at(-1)?.seq ?? cursor;
        await new Promise((resolve) => setTimeout(resolve, 300));
        storing = false;
      },
      () => cursor,
      (event) => {
        if (storing) preparedWhileStoring.push(event.seq);
        return Promise.resolve(event);
      },
    );
    stream.start();
    try {
      await until(() => cursor === BACKLOG);
      // The first page is stored while the rest arrive: two pages' worth is prepared meanwhile.
      expect(preparedWhileStoring).toEqual(Array.from({ length: 2 * MAX_PAGE_EVENTS }, (_, i) => i + 2));
    } finally {
      await stream.stop();
    }
  });

  it('hands nothing over once stopped', async () => {
    let handed = 0;
    const stopping: { done: Promise<void> | null } = { done: null };
    const stream = streamFor(
      async (page) => {
        handed += page.length;
        stopping.done ??= stream.stop();
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
      () => 0,
    );
    stream.start();
    await until(() => stopping.done !== null);
    await stopping.done;
    const atStop = handed;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handed).toBe(atStop);
    expect(atStop).toBeLessThan(BACKLOG);
  });

  it('says it is catching up, not offline, once the server answers with a backlog after an outage', async () => {
    const states: string[] = [];
    // Nothing listens on port 1 at first: the stream goes offline and retries.
    let url = 'https://127.0.0.1:1';
    const stream = createFeedStream({
      endpoint: {
        get url() {
          return url;
        },
        caPem: target.caPem,
      },
      token: () => token(doctor),
      cursor: () => Promise.resolve(0),
      prepare: asArrived,
      onEvents: () => new Promise((resolve) => setTimeout(resolve, 20)),
      onState: (state) => states.push(state),
      onBacklog: () => states.push('backlog'),
      onSessionEnded: () => undefined,
      backoffMs: () => 50,
    });
    stream.start();
    try {
      await until(() => states.includes('offline'));
      url = target.server.url;
      await until(() => states.at(-1) === 'online');
      expect(states.slice(states.lastIndexOf('offline'))).toEqual(['offline', 'connecting', 'backlog', 'online']);
    } finally {
      await stream.stop();
    }
  });

  // Last: it signs the doctor in again, and ends that session.
  it('hands nothing more over once the session ends, with a backlog waiting', async () => {
    await signIn(target, doctor);
    const pages: number[] = [];
    const ended: string[] = [];
    let release: () => void = () => undefined;
    const firstPage = new Promise<void>((resolve) => (release = resolve));
    const stream = createFeedStream({
      endpoint: { url: target.server.url, caPem: target.caPem },
      token: () => token(doctor),
      cursor: () => Promise.resolve(0),
      prepare: asArrived,
      onEvents: async (page) => {
        pages.push(page.length);
        if (pages.length === 1) await firstPage;
      },
      onState: () => undefined,
      onSessionEnded: (reason) => ended.push(reason),
    });
    stream.start();
    try {
      await until(() => pages.length === 1);
      await target.api.ok('logout', {}, token(doctor));
      await until(() => ended.length === 1);
      // The page being stored finishes after the session ended; the backlog behind it is dropped.
      release();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(pages).toHaveLength(1);
    } finally {
      await stream.stop();
    }
  });
});
