import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLineSources, decideLaunchSources } from '../../../main/policy/launch-sources';
import { loadPolicy, LINUX_POLICY_FILE } from '../../../main/policy/policy-loader';
import { repoRoot } from '../../support/browser-host-process';

/** A shortcut edited by a local user: their own policy, server and CA. */
const SHORTCUT = [
  'C:\\Program Files\\Wardline\\Wardline.exe',
  '--policy',
  'C:\\Users\\me\\lax.json',
  '--server',
  'https://evil.example',
  '--ca',
  'C:\\Users\\me\\ca.pem',
];

describe('where policy and the server may come from at start', () => {
  it('a packaged build takes no policy, server or CA from its command line, and names what it ignored', () => {
    expect(decideLaunchSources({ packaged: true }, commandLineSources(SHORTCUT))).toEqual({
      policyFile: null,
      server: null,
      ignored: ['--policy', '--server', '--ca'],
    });
    // `--flag=value` is the same flag.
    const equals = ['Wardline.exe', '--policy=lax.json', '--server=https://evil.example', '--ca=ca.pem'];
    expect(decideLaunchSources({ packaged: true }, commandLineSources(equals))).toEqual({
      policyFile: null,
      server: null,
      ignored: ['--policy', '--server', '--ca'],
    });
  });

  it('an unpackaged build (development, tests, the browser host) honours them', () => {
    expect(decideLaunchSources({ packaged: false }, commandLineSources(SHORTCUT))).toEqual({
      policyFile: 'C:\\Users\\me\\lax.json',
      server: { url: 'https://evil.example', caFile: 'C:\\Users\\me\\ca.pem' },
      ignored: [],
    });
    expect(
      decideLaunchSources(
        { packaged: false },
        commandLineSources(['electron', '.', '--server=https://dev.example', '--ca=ca.pem']),
      ),
    ).toEqual({
      policyFile: null,
      server: { url: 'https://dev.example', caFile: 'ca.pem' },
      ignored: [],
    });
    // A server without its CA is no server (nothing is trusted unpinned).
    expect(
      decideLaunchSources({ packaged: false }, commandLineSources(['electron', '.', '--server', 'https://dev.example']))
        .server,
    ).toBeNull();
  });

  it('with no flags, both builds use machine policy alone', () => {
    for (const packaged of [true, false]) {
      expect(decideLaunchSources({ packaged }, commandLineSources(['Wardline.exe']))).toEqual({
        policyFile: null,
        server: null,
        ignored: [],
      });
    }
  });

  it('a packaged build given --policy reads the machine policy file, not the one named', async () => {
    const sources = decideLaunchSources({ packaged: true }, commandLineSources(SHORTCUT));
    const read: string[] = [];
    const load = await loadPolicy({
      platform: 'linux',
      overrideFile: sources.policyFile,
      readText: (file) => {
        read.push(file);
        return Promise.resolve(
          file === LINUX_POLICY_FILE ? '{"idleLockSeconds": 120}' : '{"idleLockSeconds": 3600, "pinMinLength": 4}',
        );
      },
    });
    expect(read).toEqual([LINUX_POLICY_FILE]);
    expect(load).toMatchObject({
      ok: true,
      value: { source: 'file', policy: { idleLockSeconds: 120, pinMinLength: 6 } },
    });
  });

  it('the Electron glue decides through it, by app.isPackaged, and reads no flag itself', () => {
    const glue = readFileSync(path.join(repoRoot, 'main/electron/main.ts'), 'utf8');
    expect(glue).toContain('decideLaunchSources({ packaged: app.isPackaged }, commandLineSources(commandLine))');
    // argv read once, and given whole to the launch-source and policy-command parsers.
    expect(glue.match(/process\.argv/g)).toHaveLength(1);
    expect(glue).toContain('policyCommandOf(commandLine)');
    expect(glue).not.toMatch(/'--(policy|server|ca)'/);
  });
});
