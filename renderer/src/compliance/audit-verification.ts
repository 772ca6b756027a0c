/**
 * What the compliance view says about the proof behind what it shows. Main checks every page it
 * fetches (each record against the latest signed tree head, the head against the one this
 * workstation witnessed); the view adds the pages up: one broken page makes the whole result
 * broken. Pure, so the wording is tested without a browser.
 */
import type { Verification } from './audit-types';

/** Main sends at most this many problems per answer; the view keeps as many in all. */
const MAX_PROBLEMS = 20;

/** The verification of every page shown so far, newest head last. */
export function combineVerification(pages: readonly Verification[]): Verification | null {
  const last = pages.at(-1);
  if (last === undefined) return null;
  const problems = pages.flatMap((page) => page.problems).slice(0, MAX_PROBLEMS);
  const broken = pages.some((page) => page.status === 'broken');
  return {
    status: broken ? 'broken' : last.status,
    headSize: last.headSize,
    headAt: last.headAt,
    checked: pages.reduce((sum, page) => sum + page.checked, 0),
    problems,
  };
}

export const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

export interface VerificationText {
  readonly tone: 'verified' | 'broken' | 'empty';
  readonly headline: string;
  /** For broken: each problem, with the record's tree index when it names one. */
  readonly problems: readonly string[];
}

export function verificationText(verification: Verification, time: (at: number) => string): VerificationText {
  const signed = verification.headAt === null ? '' : ` (signed ${time(verification.headAt)})`;
  const head = `the signed audit head of ${count(verification.headSize, 'record')}${signed}`;
  switch (verification.status) {
    case 'verified':
      return {
        tone: 'verified',
        headline:
          verification.checked === 0
            ? `Verified: no records match, and ${head} checks out.`
            : `Verified: ${count(verification.checked, 'record')} proven in ${head}.`,
        problems: [],
      };
    case 'empty':
      return {
        tone: 'empty',
        headline: 'The server’s audit trail holds no records yet, so there is nothing to verify.',
        problems: [],
      };
    case 'broken':
      return {
        tone: 'broken',
        headline: `Not verified: what the server returned does not match ${head}. Do not rely on these records; report this to information security.`,
        problems: verification.problems.map((p) =>
          p.treeIndex === null ? `Trail: ${p.problem}` : `Record ${String(p.treeIndex)}: ${p.problem}`,
        ),
      };
  }
}
