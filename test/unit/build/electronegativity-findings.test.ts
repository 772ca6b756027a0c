import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchAccepted, parseFindings, type AcceptedEntry } from '../../../scripts/electronegativity-findings.mjs';
import { repoRoot } from '../../support/browser-host-process';

const accepted = JSON.parse(
  readFileSync(path.join(repoRoot, 'test/security/electronegativity-accepted.json'), 'utf8'),
) as AcceptedEntry[];

/** A source tree as the tool saw it: file → lines. */
const MAIN_TS = [
  'import { shell } from "electron";',
  '  contents.setWindowOpenHandler(({ url }) => {',
  '    if (decideWindowOpen(url, externalLinks).openExternally) void shell.openExternal(url);',
  '  const window = new BrowserWindow(',
  '  void shell.openExternal(String(process.argv[5]));',
  '  const window = new BrowserWindow(',
];
const sourceLine = (file: string, line: number) => (file === 'main/electron/main.ts' ? MAIN_TS[line - 1] : undefined);

interface Result {
  ruleId: string;
  uri: string;
  line: number;
}

/** A SARIF report as Electronegativity writes it (charLength: the trimmed line's length). */
function sarif(results: readonly Result[]): string {
  return JSON.stringify({
    version: '2.1.0',
    runs: [
      {
        results: results.map(({ ruleId, uri, line }) => ({
          ruleId,
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri },
                region: {
                  startLine: line,
                  startColumn: 5,
                  charLength: uri === 'file:///' ? 0 : (sourceLine(uri, line) ?? '').trim().length,
                },
              },
            },
          ],
        })),
      },
    ],
  });
}

/** Today's findings (the checks the tool cannot follow across modules). */
const TODAY: Result[] = [
  { ruleId: 'CSP_GLOBAL_CHECK', uri: 'file:///', line: 1 },
  { ruleId: 'OPEN_EXTERNAL_JS_CHECK', uri: 'main/electron/main.ts', line: 3 },
  { ruleId: 'AUXCLICK_JS_CHECK', uri: 'main/electron/main.ts', line: 4 },
  { ruleId: 'CONTEXT_ISOLATION_JS_CHECK', uri: 'main/electron/main.ts', line: 4 },
  { ruleId: 'SANDBOX_JS_CHECK', uri: 'main/electron/main.ts', line: 4 },
];

function check(results: readonly Result[], list: readonly AcceptedEntry[] = accepted) {
  const findings = parseFindings(sarif(results), sourceLine);
  if (findings === null) throw new Error('report not read');
  return matchAccepted(findings, list);
}

describe('the electronegativity accepted list', () => {
  it('explains every finding of today, and holds no entry that explains none', () => {
    expect(check(TODAY)).toEqual({ unexplained: [], stale: [] });
  });

  it('fails a new finding of an accepted check in an already-listed file (matched by the code, not only check and file)', () => {
    const { unexplained } = check([
      ...TODAY,
      { ruleId: 'OPEN_EXTERNAL_JS_CHECK', uri: 'main/electron/main.ts', line: 5 },
    ]);
    expect(unexplained).toEqual([
      {
        check: 'OPEN_EXTERNAL_JS_CHECK',
        file: 'main/electron/main.ts',
        location: '5:5',
        snippet: 'void shell.openExternal(String(process.argv[5]));',
      },
    ]);
  });

  it('fails one more copy of an accepted line: each entry explains one finding', () => {
    const { unexplained } = check([...TODAY, { ruleId: 'SANDBOX_JS_CHECK', uri: 'main/electron/main.ts', line: 6 }]);
    expect(unexplained.map((finding) => `${finding.check} ${finding.location}`)).toEqual(['SANDBOX_JS_CHECK 6:5']);
  });

  it('keeps explaining a finding whose line moved, since only the code is compared', () => {
    const moved = TODAY.map((result) => (result.line === 4 ? { ...result, line: 6 } : result));
    expect(check(moved)).toEqual({ unexplained: [], stale: [] });
  });

  it('reports an entry that explains nothing, and does not count an entry without a snippet or a reason', () => {
    const withoutSnippet = {
      check: 'SANDBOX_JS_CHECK',
      file: 'main/electron/main.ts',
      reason: 'x'.repeat(40),
    } as unknown as AcceptedEntry;
    const list = [...accepted.filter((entry) => entry.check !== 'SANDBOX_JS_CHECK'), withoutSnippet];
    const result = check(TODAY, list);
    expect(result.unexplained.map((finding) => finding.check)).toEqual(['SANDBOX_JS_CHECK']);
    expect(result.stale).toEqual([withoutSnippet]);
    expect(check(TODAY.slice(1)).stale.map((entry) => entry.check)).toEqual(['CSP_GLOBAL_CHECK']);
  });

  it('refuses a report it cannot read whole, rather than lose a finding', () => {
    expect(parseFindings('{"runs":[', sourceLine)).toBeNull();
    expect(
      parseFindings(JSON.stringify({ runs: [{ results: [{ ruleId: 'SANDBOX_JS_CHECK' }] }] }), sourceLine),
    ).toBeNull();
    // The quoted length disagrees with the line read: not the code the tool saw.
    const report = JSON.parse(sarif(TODAY.slice(1, 2))) as {
      runs: { results: { locations: { physicalLocation: { region: { charLength: number } } }[] }[] }[];
    };
    report.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.charLength = 3;
    expect(parseFindings(JSON.stringify(report), sourceLine)).toBeNull();
    expect(
      parseFindings(sarif([{ ruleId: 'SANDBOX_JS_CHECK', uri: 'main/other.ts', line: 1 }]), sourceLine),
    ).toBeNull();
  });
});
