import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseCliArguments } from '../../../server/cli-arguments';

describe('server command line', () => {
  it('reads the data dir, port, demo flag and database URL', () => {
    expect(parseCliArguments(['--data', '/srv/wardline', '--port', '0', '--demo'], {})).toEqual({
      ok: true,
      value: { kind: 'serve', options: { dataDir: '/srv/wardline', port: 0, host: '127.0.0.1', demo: true } },
    });
    expect(parseCliArguments(['--data', 'd', '--database-url', 'postgres://db/wardline', '--host', '::1'], {})).toEqual(
      {
        ok: true,
        value: {
          kind: 'serve',
          options: {
            dataDir: 'd',
            port: DEFAULT_PORT,
            host: '::1',
            demo: false,
            databaseUrl: 'postgres://db/wardline',
          },
        },
      },
    );
  });

  it('takes DATABASE_URL from the environment unless the flag overrides it', () => {
    expect(parseCliArguments(['--data', 'd'], { DATABASE_URL: 'postgres://env/db' })).toMatchObject({
      ok: true,
      value: { kind: 'serve', options: { databaseUrl: 'postgres://env/db' } },
    });
    expect(
      parseCliArguments(['--data', 'd', '--database-url', 'postgres://flag/db'], { DATABASE_URL: 'postgres://env/db' }),
    ).toMatchObject({
      ok: true,
      value: { kind: 'serve', options: { databaseUrl: 'postgres://flag/db' } },
    });
    expect(parseCliArguments(['--data', 'd'], { DATABASE_URL: '' })).toEqual({
      ok: true,
      value: { kind: 'serve', options: { dataDir: 'd', port: DEFAULT_PORT, host: '127.0.0.1', demo: false } },
    });
  });

  it('refuses a missing data dir, a bad port, a flag without its value and unknown flags', () => {
    for (const argv of [
      [],
      ['--port', '8443'],
      ['--data'],
      ['--data', '--demo'],
      ['--data', 'd', '--port', '70000'],
      ['--data', 'd', '--port', 'x'],
      ['--data', 'd', '--verbose'],
    ]) {
      expect(parseCliArguments(argv, {}).ok).toBe(false);
    }
  });

  it('takes a SIEM destination only whole, and only a host name or address, since the trail records it', () => {
    const siem = (host: string) =>
      parseCliArguments(['--data', 'd', '--siem-host', host, '--siem-port', '6514', '--siem-ca', 'ca.pem'], {});
    for (const host of ['siem.hospital.example', '10.0.4.2', 'fd00::5:1'])
      expect(siem(host)).toMatchObject({
        ok: true,
        value: { kind: 'serve', options: { siem: { host, port: 6514, caFile: 'ca.pem' } } },
      });
    for (const host of ['siem host', 'Maria Lopez, MRN 4411', '-flag', ''])
      expect(siem(host)).toEqual({ ok: false, error: '--siem-host needs a host name or IP address' });
    expect(parseCliArguments(['--data', 'd', '--siem-host', 'siem.hospital.example'], {})).toEqual({
      ok: false,
      error: '--siem-host, --siem-port and --siem-ca go together',
    });
  });

  const SIEM = ['--data', 'd', '--siem-host', 'siem.hospital.example', '--siem-port', '6514', '--siem-ca', 'ca.pem'];

  it('takes a client certificate and key for the SIEM only as a pair, and only with a SIEM', () => {
    expect(parseCliArguments([...SIEM, '--siem-cert', 'wardline.pem', '--siem-key', 'wardline.key'], {})).toMatchObject(
      {
        ok: true,
        value: { kind: 'serve', options: { siem: { certFile: 'wardline.pem', keyFile: 'wardline.key' } } },
      },
    );
    for (const half of [
      ['--siem-cert', 'wardline.pem'],
      ['--siem-key', 'wardline.key'],
    ])
      expect(parseCliArguments([...SIEM, ...half], {})).toEqual({
        ok: false,
        error: '--siem-cert and --siem-key go together',
      });
    expect(parseCliArguments(['--data', 'd', '--siem-cert', 'c.pem', '--siem-key', 'k.pem'], {})).toEqual({
      ok: false,
      error: '--siem-cert goes with --siem-host, --siem-port and --siem-ca',
    });
    expect(parseCliArguments([...SIEM, '--siem-cert', '--siem-key', 'k.pem'], {}).ok).toBe(false);
  });

  it("takes the hospital's PEN and a lease time with a SIEM, each checked", () => {
    expect(
      parseCliArguments([...SIEM, '--siem-enterprise-number', '54321', '--siem-lease-seconds', '20'], {}),
    ).toMatchObject({ ok: true, value: { options: { siem: { enterpriseNumber: 54_321, leaseMs: 20_000 } } } });
    for (const pen of ['0', '-5', '1.5', '012', '4294967296', 'x', ''])
      expect(parseCliArguments([...SIEM, '--siem-enterprise-number', pen], {})).toEqual({
        ok: false,
        error: "--siem-enterprise-number needs the hospital's IANA Private Enterprise Number (a positive integer)",
      });
    for (const seconds of ['0', '301', '2.5', 'x'])
      expect(parseCliArguments([...SIEM, '--siem-lease-seconds', seconds], {}).ok).toBe(false);
    expect(parseCliArguments(['--data', 'd', '--siem-enterprise-number', '54321'], {})).toEqual({
      ok: false,
      error: '--siem-enterprise-number goes with --siem-host, --siem-port and --siem-ca',
    });
  });

  it('takes a FHIR code-system base as an https URL without query or fragment, in its normal form', () => {
    const base = (url: string) => parseCliArguments(['--data', 'd', '--fhir-code-system-base', url], {});
    expect(base('https://Terminology.Hospital.example/fhir/')).toMatchObject({
      ok: true,
      value: { options: { fhirCodeSystemBase: 'https://terminology.hospital.example/fhir' } },
    });
    for (const url of [
      'http://terminology.hospital.example/fhir',
      'https://terminology.hospital.example/fhir?v=1',
      'https://terminology.hospital.example/fhir#x',
      'https://user:pw@terminology.hospital.example/fhir',
      'terminology.hospital.example/fhir',
      'https://',
    ])
      expect(base(url)).toEqual({
        ok: false,
        error: '--fhir-code-system-base needs an https URL without query or fragment',
      });
    expect(
      parseCliArguments(
        ['--migrate-only', '--database-url', 'postgres://db/w', '--fhir-code-system-base', 'https://h.example'],
        {},
      ),
    ).toEqual({ ok: false, error: '--fhir-code-system-base is not used with --migrate-only' });
  });

  it("takes the archive key's fingerprint grouped as keygen prints it or not, in its one form", () => {
    const FINGERPRINT = '300c9c9603b92a4b39ed3958bf9240114804db4fd373012c0ca47432d63425ae';
    const archive = (value: string) => parseCliArguments(['--data', 'd', '--archive-key-fingerprint', value], {});
    for (const given of [FINGERPRINT, FINGERPRINT.toUpperCase(), FINGERPRINT.replace(/(.{4})(?!$)/g, '$1 ')])
      expect(archive(given)).toMatchObject({ ok: true, value: { options: { archiveKeyFingerprint: FINGERPRINT } } });
    for (const given of [FINGERPRINT.slice(1), `${FINGERPRINT}0`, FINGERPRINT.replace('c', 'g')])
      expect(archive(given)).toEqual({
        ok: false,
        error: "--archive-key-fingerprint needs the archive key's fingerprint (64 hex digits) from archive:keygen",
      });
    expect(parseCliArguments(['--data', 'd'], {})).toMatchObject({
      ok: true,
      value: {
        options: expect.not.objectContaining({ archiveKeyFingerprint: expect.anything() as unknown }) as unknown,
      },
    });
  });

  it('takes the message retention bound as whole days within its range, and leaves the default to the server', () => {
    const retention = (value: string) => parseCliArguments(['--data', 'd', '--message-retention-days', value], {});
    for (const [given, days] of [
      ['30', 30],
      ['2190', 2190],
      ['36500', 36500],
    ] as const)
      expect(retention(given)).toMatchObject({ ok: true, value: { options: { messageRetentionDays: days } } });
    for (const given of ['29', '0', '-1', '36501', '6.5', '1e3', 'six', '', '0x10'])
      expect(retention(given)).toEqual({
        ok: false,
        error: '--message-retention-days needs a whole number of days (30-36500; default 2190)',
      });
    expect(parseCliArguments(['--data', 'd', '--message-retention-days'], {})).toMatchObject({ ok: false });
    expect(parseCliArguments(['--data', 'd'], {})).toMatchObject({
      ok: true,
      value: {
        options: expect.not.objectContaining({ messageRetentionDays: expect.anything() as unknown }) as unknown,
      },
    });
    expect(
      parseCliArguments(
        ['--migrate-only', '--database-url', 'postgres://o@h/db', '--message-retention-days', '90'],
        {},
      ),
    ).toEqual({ ok: false, error: '--message-retention-days is not used with --migrate-only' });
  });

  it("reads --migrate-only with the owner's database URL and an optional runtime role", () => {
    expect(
      parseCliArguments(
        ['--migrate-only', '--database-url', 'postgres://owner@db/wardline', '--runtime-role', 'wardline_app'],
        {},
      ),
    ).toEqual({
      ok: true,
      value: { kind: 'migrate', migrate: { databaseUrl: 'postgres://owner@db/wardline', runtimeRole: 'wardline_app' } },
    });
    expect(parseCliArguments(['--migrate-only'], { DATABASE_URL: 'postgres://owner@db/wardline' })).toEqual({
      ok: true,
      value: { kind: 'migrate', migrate: { databaseUrl: 'postgres://owner@db/wardline' } },
    });
  });

  it('refuses --migrate-only without a PostgreSQL URL or with serving flags, and a runtime role without it', () => {
    expect(parseCliArguments(['--migrate-only'], {})).toEqual({
      ok: false,
      error: '--migrate-only needs --database-url (PostgreSQL)',
    });
    expect(parseCliArguments(['--migrate-only', '--database-url', 'postgres://db/w', '--demo'], {})).toEqual({
      ok: false,
      error: '--demo is not used with --migrate-only',
    });
    expect(parseCliArguments(['--migrate-only', '--database-url', 'postgres://db/w', '--runtime-role'], {}).ok).toBe(
      false,
    );
    expect(parseCliArguments(['--data', 'd', '--runtime-role', 'wardline_app'], {})).toEqual({
      ok: false,
      error: '--runtime-role goes with --migrate-only',
    });
  });
});
