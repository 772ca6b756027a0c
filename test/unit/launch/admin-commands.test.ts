/** `npm run admin` command lines to admin API requests (launch/admin-commands.ts), checked before anything is sent. */
import { describe, expect, it } from 'vitest';
import { requestFor } from '../../../launch/admin-commands';
import { splitArguments } from '../../../launch/admin-tool';

const line = (...argv: string[]) => {
  const split = splitArguments(argv);
  if (typeof split === 'string') throw new Error(split);
  return { words: split.words.slice(1), flags: split.flags, command: split.words[0] ?? '' };
};
const request = (...argv: string[]) => {
  const { command, ...rest } = line(...argv);
  return requestFor(command, rest);
};

describe('admin tool commands', () => {
  it('builds each everyday request from the command line', () => {
    expect(request('deactivate', 'nurse.adams')).toEqual({
      ok: true,
      value: { route: 'adminDeactivate', body: { userId: 'nurse.adams' } },
    });
    expect(request('wipe-workstation', '0b9c1e7a-6f2d-4e3b-8a5c-9d8e7f6a5b4c', '--name', 'WARD4B-PC07')).toEqual({
      ok: true,
      value: {
        route: 'adminWipeWorkstation',
        body: { deviceId: '0b9c1e7a-6f2d-4e3b-8a5c-9d8e7f6a5b4c', confirmName: 'WARD4B-PC07' },
      },
    });
    expect(request('run-retention')).toEqual({ ok: true, value: { route: 'adminRunMessageRetention', body: {} } });
    expect(request('run-retention', '30')).toMatchObject({ ok: false });
    expect(request('call', 'adminUnlock', '{"userId":"dr.patel"}')).toMatchObject({
      ok: true,
      value: { route: 'adminUnlock' },
    });
  });

  it('refuses what the route would refuse, naming the field, never the value', () => {
    const bad = request(
      'create',
      'nurse.lee',
      '--name',
      'Lee',
      '--role',
      'wizard',
      '--department',
      'x',
      '--title',
      'y',
    );
    expect(bad).toMatchObject({ ok: false });
    if (!bad.ok) {
      expect(bad.error).toContain('not a valid request (role)');
      expect(bad.error).not.toContain('wizard');
    }
    expect(request('deactivate', 'Not An Id')).toMatchObject({ ok: false });
  });

  it('asks for --confirm before what cannot be undone, and a typed name before a wipe', () => {
    for (const argv of [
      ['reset-password', 'nurse.adams'],
      ['wipe-user', 'nurse.adams'],
      ['wipe-workstation', '0b9c1e7a-6f2d-4e3b-8a5c-9d8e7f6a5b4c'],
    ])
      expect(request(...argv), argv.join(' ')).toMatchObject({ ok: false });
    expect(request('wipe-user', 'nurse.adams', '--confirm')).toMatchObject({ ok: true });
  });

  it('reaches only admin routes through call, and knows no other command', () => {
    const refusal = (...argv: string[]) => {
      const answer = request(...argv);
      return answer.ok ? null : answer.error.split('\n')[0];
    };
    expect(refusal('call', 'send', '{}')).toBe('send is not an admin route');
    expect(refusal('call', 'adminUnlock', 'not json')).toBe('the request is not JSON');
    expect(refusal('drop-database')).toBe('unknown command drop-database');
  });
});
