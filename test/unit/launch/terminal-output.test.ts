/**
 * What a person's terminal shows when the browser host starts: the ready block and the one-line
 * log format (launch/ready-block.ts, launch/terminal-log.ts).
 */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { demoAccountLines, readyBlock } from '../../../launch/ready-block';
import { terminalLine, terminalLog } from '../../../launch/terminal-log';

const URL = 'http://127.0.0.1:4000/?token=abc';

describe('the ready block', () => {
  it('starts with the line scripts read, then the address, the accounts and the exact command', () => {
    const block = readyBlock({
      url: URL,
      demo: {
        serverUrl: 'https://127.0.0.1:4001',
        serverDir: '/home/sam/my data/server',
        accounts: [
          { userId: 'nurse.adams', role: 'nurse' },
          { userId: 'compliance.reed', role: 'compliance-officer' },
        ],
      },
    });
    const lines = block.trimEnd().split('\n');
    expect(lines[0]).toBe(`browser host ready: ${URL}`);
    expect(lines).toContain(`Open this address in Chromium: ${URL}`);
    expect(lines).toContain('  nurse.adams      nurse');
    expect(lines).toContain('  compliance.reed  compliance-officer');
    // A folder with a space is quoted, so the line can be pasted as it is.
    expect(lines).toContain("  npm run demo:code -- --data '/home/sam/my data/server'");
    expect(lines.length).toBeLessThan(24);
  });

  it('names no demo accounts without the demo server', () => {
    const block = readyBlock({ url: URL, demo: null });
    expect(block).not.toMatch(/demo/i);
    expect(block.split('\n')[0]).toBe(`browser host ready: ${URL}`);
  });

  it('reads ids and roles from the accounts file and nothing else', () => {
    const json = JSON.stringify([
      { userId: 'nurse.adams', role: 'nurse', password: 'secret-1', totpSecret: 'JBSWY3DP' },
      { userId: 42, role: 'nurse' },
    ]);
    expect(demoAccountLines(json)).toEqual([{ userId: 'nurse.adams', role: 'nurse' }]);
    expect(demoAccountLines('{}')).toEqual([]);
  });
});

describe('terminal logging', () => {
  const capture = (env: NodeJS.ProcessEnv) => {
    const written: string[] = [];
    const settings = terminalLog(env, { write: (text: string) => written.push(text) } as never);
    const logger = pino({ name: 'wardline-main', level: settings.level, base: null }, settings.destination);
    return { logger, written };
  };

  it('shows warnings and errors only, one readable line each', async () => {
    const { logger, written } = capture({});
    logger.info({ records: 3 }, 'audit synced');
    logger.warn({ code: 'UNREACHABLE', attempts: 2 }, 'audit sync failed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['wardline warning: audit sync failed (code=UNREACHABLE, attempts=2)\n']);
  });

  it('gives the JSON stream, from info up, with WARDLINE_LOG=json', async () => {
    const { logger, written } = capture({ WARDLINE_LOG: 'json' });
    logger.info({ records: 3 }, 'audit synced');
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(written.join(''))).toMatchObject({ level: 30, msg: 'audit synced', records: 3 });
  });

  it('passes a line that is not JSON through as it is', () => {
    expect(terminalLine('plain text\n')).toBe('plain text');
  });
});
