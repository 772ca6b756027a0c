/**
 * `npm start` with no configuration, as a tester meets it: the browser host starts the embedded
 * demo server, and every demo account can be messaged at once (their keys were published by a
 * real first sign-in each, not by the server copying the client's key format).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { createWorkstation, type Workstation } from '../support/workstation';

let host: HostProcess;
let station: Workstation;

beforeAll(async () => {
  host = await startHostProcess([], { timeoutMs: 90_000 });
}, 120_000);

afterAll(async () => {
  await station.close();
  await host.stop();
});

describe('the embedded demo', () => {
  it('signs a tester in and lets them write to any demo colleague straight away', async () => {
    const match = /embedded demo server: (https:\/\/\S+) accounts=(\S+)/.exec(host.output);
    if (!match?.[1] || !match[2]) throw new Error(`no demo line in: ${host.output}`);
    const accounts = JSON.parse(readFileSync(match[2], 'utf8')) as {
      userId: string;
      password: string;
      totpSecret: string;
      role: string;
    }[];
    expect(new Set(accounts.map((a) => a.role))).toEqual(
      new Set(['nurse', 'physician', 'front-desk', 'it-admin', 'compliance-officer']),
    );
    const caPem = readFileSync(path.join(host.dataDir, 'server', 'tls', 'ca-cert.pem'), 'utf8');
    station = createWorkstation({ url: match[1], caPem });

    const nurse = accounts.find((a) => a.role === 'nurse')!;
    expect(await station.call('session.signIn', { userId: nurse.userId, password: nurse.password })).toEqual({
      ok: true,
      value: { step: 'mfa' },
    });
    // The seeding used the previous step; the current one is the tester's.
    const code = new OTPAuth.TOTP({
      secret: OTPAuth.Secret.fromBase32(nurse.totpSecret),
      period: 30,
      digits: 6,
    }).generate();
    const signedIn = await station.call('session.verifyMfa', { code });
    expect(signedIn.ok && signedIn.value.state).toBe('unlocked');

    const found = await station.call('directory.search', { query: 'cardiology' });
    if (!found.ok) throw new Error(found.error.code);
    const people = found.value.entries.filter((e) => e.kind === 'user');
    expect(people.length).toBeGreaterThan(0);
    for (const person of people) expect(person.fingerprint, person.userId).not.toBeNull();
    const role = found.value.entries.find((e) => e.kind === 'role');
    expect(role?.kind === 'role' && role.displayName).toBe('On-call cardiology');

    const sent = await station.call('message.send', {
      to: [{ kind: 'role', addressId: 'role:oncall-cardiology' }],
      title: null,
      text: 'Demo: bed 3 needs a review',
      priority: 'urgent',
      expiresInSeconds: null,
    });
    expect(sent.ok).toBe(true);
  });
});
