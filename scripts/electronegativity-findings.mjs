// Reading Electronegativity's report and matching it against the accepted list; pure, so the
// matching rule is unit-tested (test/unit/build/electronegativity-findings.test.ts).
//
// The rule: an accepted entry explains exactly one finding, named by its check, its file and
// the code the tool points at (the trimmed source line). Line numbers are not compared, so
// editing above an accepted line does not invalidate it; but a new finding of an accepted check
// in an accepted file points at other code (or is one more copy of the same line) and is
// unexplained. An entry that explains nothing fails too, so the list never holds a blanket
// acceptance waiting for a future finding.
//
// The report is SARIF, not CSV: the tool writes its CSV header and rows in two racing writes,
// and the header has been seen to overwrite the first row. SARIF is one write of one JSON
// document, and names each finding's file, line and length of the quoted code.

/** A global check (no file) reports `file:///`; the CSV report called it `N/A`. */
const NO_FILE = 'N/A';

/**
 * The findings in a SARIF report, each with the code it points at, read through `sourceLine`
 * (file relative to the scanned folder, 1-based line). Null when anything in the report cannot
 * be read as expected: a finding this reading missed must fail the check, not vanish.
 */
export function parseFindings(sarifText, sourceLine) {
  let results;
  try {
    results = JSON.parse(sarifText).runs[0].results;
  } catch {
    return null;
  }
  if (!Array.isArray(results)) return null;
  const findings = [];
  for (const result of results) {
    const where = result?.locations?.[0]?.physicalLocation;
    const uri = where?.artifactLocation?.uri;
    const region = where?.region;
    if (typeof result?.ruleId !== 'string' || typeof uri !== 'string' || !Number.isInteger(region?.startLine))
      return null;
    const location = `${String(region.startLine)}:${String(region.startColumn ?? 1)}`;
    if (uri === 'file:///') {
      findings.push({ check: result.ruleId, file: NO_FILE, location, snippet: NO_FILE });
      continue;
    }
    const snippet = (sourceLine(uri, region.startLine) ?? '').trim();
    // The tool quotes the whole trimmed line; its length tells us we read the same line.
    if (snippet.length === 0 || snippet.length !== region.charLength) return null;
    findings.push({ check: result.ruleId, file: uri, location, snippet });
  }
  return findings;
}

/** An entry is usable only with a check, a file, the quoted code and a real reason. */
function wellFormed(entry) {
  return (
    ['check', 'file', 'snippet', 'reason'].every((key) => typeof entry[key] === 'string' && entry[key].length > 0) &&
    entry.reason.length > 20
  );
}

/**
 * Pairs each finding with one accepted entry of the same check, file and snippet. Answers the
 * findings no entry explains and the entries that explain no finding (or are malformed).
 */
export function matchAccepted(findings, accepted) {
  const unused = accepted.filter(wellFormed);
  const malformed = accepted.filter((entry) => !wellFormed(entry));
  const unexplained = [];
  for (const finding of findings) {
    const index = unused.findIndex(
      (entry) => entry.check === finding.check && entry.file === finding.file && entry.snippet === finding.snippet,
    );
    if (index === -1) unexplained.push(finding);
    else unused.splice(index, 1);
  }
  return { unexplained, stale: [...unused, ...malformed] };
}
