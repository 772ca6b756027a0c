import { describe, expect, it } from 'vitest';
import { decodeRegistryPolicy, expandEnvironment, REG_TYPE } from '../../../main/policy/registry-values';
import { loadPolicy } from '../../../main/policy/policy-loader';
import { regDword, regExpandSz, regMultiSz, regSz } from '../../support/registry-values';

const ENV = { ProgramData: 'C:\\ProgramData', SystemRoot: 'C:\\Windows' };
/** Bytes as `reg export` recorded them on a Windows 11 workstation (hex(2), hex(7), dword, string). */
const hex = (bytes: string): Buffer => Buffer.from(bytes.replaceAll(/[^0-9a-f]/gi, ''), 'hex');
const RECORDED = [
  // "idleLockSeconds"=dword:00000078
  { name: 'idleLockSeconds', type: REG_TYPE.DWORD, data: hex('78,00,00,00') },
  // "notificationContent"="sender"
  { name: 'notificationContent', type: REG_TYPE.SZ, data: hex('73,00,65,00,6e,00,64,00,65,00,72,00,00,00') },
  // "caCertificate"=hex(2): %ProgramData%\W\ca.pem
  {
    name: 'caCertificate',
    type: REG_TYPE.EXPAND_SZ,
    data: hex(
      '25,00,50,00,72,00,6f,00,67,00,72,00,61,00,6d,00,44,00,61,00,74,00,61,00,25,00,5c,00,57,00,5c,00,63,00,61,00,2e,00,70,00,65,00,6d,00,00,00',
    ),
  },
  // "workstationName"=hex(7): one line "Ward 7", then the list's closing NUL
  { name: 'workstationName', type: REG_TYPE.MULTI_SZ, data: hex('57,00,61,00,72,00,64,00,20,00,37,00,00,00,00,00') },
];

describe('registry values to policy values (decoded as Group Policy writes them)', () => {
  it('decodes recorded REG_DWORD, REG_SZ, REG_EXPAND_SZ and REG_MULTI_SZ bytes', () => {
    expect(decodeRegistryPolicy(RECORDED, ENV)).toEqual({
      values: {
        idleLockSeconds: 120,
        notificationContent: 'sender',
        caCertificate: 'C:\\ProgramData\\W\\ca.pem',
        workstationName: 'Ward 7',
      },
      refused: [],
    });
  });

  it('reads booleans as DWORD 0 or 1 and refuses any other number for them', () => {
    const read = decodeRegistryPolicy([regDword('pinAllowed', 0), regDword('mfaRequired', 1)], ENV);
    expect(read.values).toEqual({ pinAllowed: false, mfaRequired: true });
    expect(decodeRegistryPolicy([regDword('pinAllowed', 2)], ENV)).toEqual({
      values: {},
      refused: [{ key: 'pinAllowed', reason: 'an on/off setting is REG_DWORD 0 or 1' }],
    });
  });

  it('keeps the whole of a multi-line REG_SZ (the old reader kept its first line)', () => {
    const pem = '-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----';
    expect(decodeRegistryPolicy([regSz('caCertificate', pem)], ENV).values.caCertificate).toBe(pem);
  });

  it('expands %VARIABLES% in REG_EXPAND_SZ, names case-insensitive, and refuses one that is not set', () => {
    expect(decodeRegistryPolicy([regExpandSz('caCertificate', '%programdata%\\Wardline\\ca.pem')], ENV).values).toEqual(
      {
        caCertificate: 'C:\\ProgramData\\Wardline\\ca.pem',
      },
    );
    expect(decodeRegistryPolicy([regExpandSz('caCertificate', '%WARDLINE_HOME%\\ca.pem')], ENV)).toEqual({
      values: {},
      refused: [{ key: 'caCertificate', reason: 'names an environment variable that is not set' }],
    });
    // REG_SZ is taken as written: only REG_EXPAND_SZ expands.
    expect(decodeRegistryPolicy([regSz('caCertificate', '%ProgramData%\\ca.pem')], ENV).values.caCertificate).toBe(
      '%ProgramData%\\ca.pem',
    );
    expect(expandEnvironment('100%% sure', ENV)).toBe('100%% sure');
  });

  it('takes a one-line REG_MULTI_SZ as text and passes longer lists to the schema, which refuses them', async () => {
    const read = decodeRegistryPolicy([regMultiSz('workstationName', ['Ward 7', 'Bed 3'])], ENV);
    expect(read.values.workstationName).toEqual(['Ward 7', 'Bed 3']);
    await expect(
      loadPolicy({
        platform: 'win32',
        overrideFile: null,
        readRegistry: () => Promise.resolve({ ok: true, value: read }),
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'POLICY_INVALID', keys: ['workstationName'] } });
  });

  it('names values of types the templates never write, and bytes that are not what their type says', () => {
    const read = decodeRegistryPolicy(
      [
        { name: 'pinAllowed', type: REG_TYPE.BINARY, data: hex('01') },
        { name: 'idleLockSeconds', type: REG_TYPE.QWORD, data: hex('78,00,00,00,00,00,00,00') },
        { name: 'pinMinLength', type: REG_TYPE.DWORD, data: hex('06,00') },
        { name: 'serverUrl', type: REG_TYPE.SZ, data: hex('68,00,74') },
        // A lone surrogate: not text.
        { name: 'workstationName', type: REG_TYPE.SZ, data: hex('00,d8,00,00') },
      ],
      ENV,
    );
    expect(read).toEqual({
      values: {},
      refused: [
        { key: 'pinAllowed', reason: 'a REG_BINARY value; Group Policy writes REG_DWORD 0 or 1' },
        { key: 'idleLockSeconds', reason: 'a REG_QWORD value; Group Policy writes REG_DWORD' },
        { key: 'pinMinLength', reason: 'a REG_DWORD of 2 bytes' },
        { key: 'serverUrl', reason: 'not UTF-16 text' },
        { key: 'workstationName', reason: 'not UTF-16 text' },
      ],
    });
  });

  it('matches value names case-insensitively as Windows does, and reports unknown names, spaces and all', async () => {
    const read = decodeRegistryPolicy(
      [regDword('IdleLockSeconds', 60), regSz('idle lock seconds', '60'), regSz('', 'default value')],
      ENV,
    );
    expect(read.values).toEqual({ idleLockSeconds: 60, 'idle lock seconds': null, '(Default)': null });
    await expect(
      loadPolicy({
        platform: 'win32',
        overrideFile: null,
        readRegistry: () => Promise.resolve({ ok: true, value: read }),
      }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'POLICY_INVALID', keys: ['idle lock seconds', '(Default)'] },
    });
  });

  it('names every bad key at once: those the decoder refused and those the schema refused', async () => {
    const read = decodeRegistryPolicy(
      [regDword('pinAllowed', 7), regDword('idleLockSeconds', 1), regSz('typo', 'x')],
      ENV,
    );
    const loaded = await loadPolicy({
      platform: 'win32',
      overrideFile: null,
      readRegistry: () => Promise.resolve({ ok: true, value: read }),
    });
    expect(loaded.ok ? [] : [...loaded.error.keys].sort()).toEqual(['idleLockSeconds', 'pinAllowed', 'typo']);
  });
});
