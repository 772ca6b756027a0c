/**
 * The compliance officer's legal-hold channels (shared/ipc/hold-channels.ts) against a hostile
 * page, through the real core, IPC router and server: nobody signed in, a locked session, and
 * every role but the compliance officer are refused by the router before main asks anything;
 * malformed and widening requests are typed refusals that place nothing; the officer's release
 * asks for a fresh proof once the sign-in is old, and an export without an archive key in policy
 * writes nothing.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, RequestOf } from '../../shared/ipc/contract';
import { holdChannels } from '../../shared/ipc/hold-channels';
import { account, signIn, startTestServer, totpCode, type TestServer } from '../support/messaging-server';
import { createWorkstation, type Workstation } from '../support/workstation';

const admin = account('it.ng', 'it-admin', 'Lin Ng', 'IT', 'Service desk');
const nurse = account('nurse.adams', 'nurse', 'Grace Adams', 'Ward 4B', 'Staff nurse');
const officer = account('compliance.reed', 'compliance-officer', 'Ada Reed', 'Compliance', 'Officer');

type HoldChannel = keyof typeof holdChannels;
const CHANNELS = Object.keys(holdChannels) as HoldChannel[];
const SOME_ID = '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10';
const MATTER = 'Adams v. General';
/** A valid request for every hold channel: each must be refused for who asks, not for its shape. */
const REQUESTS: { readonly [C in HoldChannel]: RequestOf<C> } = {
  'holds.list': {},
  'holds.place': { matter: MATTER, reasonCode: 'litigation', custodianId: nurse.userId },
  'holds.release': { holdId: SOME_ID },
  'holds.exportMatter': { matter: MATTER },
  'holds.reauthenticate': { password: 'not the password', code: '123456' },
};

let server: TestServer;
let office: Workstation;
let ward: Workstation;
let clock = 0;

const call = (station: Workstation, channel: ChannelName, payload: unknown) =>
  station.call(channel, payload as never) as Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;

beforeAll(async () => {
  server = await startTestServer([admin, nurse, officer], { now: () => Date.now() + clock });
  office = createWorkstation(server.endpoint);
  ward = createWorkstation(server.endpoint);
}, 90_000);

afterAll(async () => {
  await Promise.all([office.close(), ward.close()]);
  await server.server.close();
});

describe('who may use the hold channels', () => {
  it('refuses each one with nobody signed in, and to every role but the compliance officer', async () => {
    for (const channel of CHANNELS)
      expect(await call(ward, channel, REQUESTS[channel]), channel).toMatchObject({
        ok: false,
        error: { code: 'NOT_SIGNED_IN' },
      });
    await signIn(ward, nurse);
    await signIn(office, admin);
    for (const station of [ward, office])
      for (const channel of CHANNELS)
        expect(await call(station, channel, REQUESTS[channel]), channel).toMatchObject({
          ok: false,
          error: { code: 'NOT_PERMITTED' },
        });
    await Promise.all([call(ward, 'session.signOut', {}), call(office, 'session.signOut', {})]);
  }, 60_000);
});

describe('a compliance officer against a hostile page', () => {
  it('refuses malformed and widening requests with typed codes, placing nothing', async () => {
    await signIn(office, officer);
    const refusals: [ChannelName, unknown][] = [
      ['holds.place', { matter: MATTER, reasonCode: 'because', custodianId: nurse.userId }],
      ['holds.place', { matter: 'Two\nlines', reasonCode: 'litigation', custodianId: nurse.userId }],
      ['holds.place', { matter: MATTER, reasonCode: 'litigation', custodianId: nurse.userId, conversationId: SOME_ID }],
      ['holds.place', { matter: MATTER, reasonCode: 'litigation' }],
      ['holds.place', { matter: ' ', reasonCode: 'litigation', conversationId: SOME_ID }],
      ['holds.release', { holdId: '../../etc' }],
      ['holds.exportMatter', { matter: MATTER, folder: '/tmp' }],
      ['holds.list', { all: true }],
    ];
    for (const [channel, payload] of refusals)
      expect(await call(office, channel, payload), `${channel} ${JSON.stringify(payload)}`).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    expect(await call(office, 'holds.list', {})).toEqual({ ok: true, value: { holds: [] } });
  }, 60_000);

  it('places a hold, asks for a fresh proof to release it once the sign-in is old, and then releases it', async () => {
    const placed = await call(office, 'holds.place', REQUESTS['holds.place']);
    expect(placed).toMatchObject({
      ok: true,
      value: { hold: { matter: MATTER, custodian: { userId: nurse.userId } } },
    });
    const { holdId } = (placed.value as { hold: { holdId: string } }).hold;
    clock = 6 * 60_000;
    expect(await call(office, 'holds.release', { holdId })).toMatchObject({
      ok: false,
      error: { code: 'REAUTHENTICATION_REQUIRED' },
    });
    expect(await call(office, 'holds.reauthenticate', { password: 'wrong', code: '000000' })).toMatchObject({
      ok: false,
    });
    expect(await call(office, 'holds.list', {})).toMatchObject({ ok: true, value: { holds: [{ holdId }] } });
    // The proof, at the server's time (six minutes on: twelve TOTP steps).
    expect(
      await call(office, 'holds.reauthenticate', { password: officer.password, code: totpCode(officer, 12) }),
    ).toEqual({ ok: true, value: {} });
    expect(await call(office, 'holds.release', { holdId })).toMatchObject({ ok: true });
    expect(await call(office, 'holds.list', {})).toEqual({ ok: true, value: { holds: [] } });
    // Placed again, for the export below.
    expect((await call(office, 'holds.place', REQUESTS['holds.place'])).ok).toBe(true);
  }, 60_000);

  it('refuses an export without an archive key in policy, and writes nothing', async () => {
    expect(await call(office, 'holds.exportMatter', { matter: MATTER })).toMatchObject({
      ok: false,
      error: { code: 'ARCHIVE_KEY_MISSING' },
    });
    const exports = path.join(office.dataDir, 'exports');
    expect(
      (() => {
        try {
          return readdirSync(exports);
        } catch {
          return [];
        }
      })(),
    ).toEqual([]);
  }, 60_000);
});
