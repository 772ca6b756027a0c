/**
 * What the sign-in and lock screens say for each step main reports (sign-in-progress-words.ts):
 * every step has its own words, and the lock screen says PIN when a PIN was typed.
 */
import { describe, expect, it } from 'vitest';
import { SIGN_IN_PROGRESS } from '../../../shared/ipc/contract';
import { progressWords } from '../../../renderer/src/sign-in/sign-in-progress-words';

describe('sign-in progress words', () => {
  it('says something different for every step', () => {
    const said = SIGN_IN_PROGRESS.map((step) => progressWords(step, 'password'));
    expect(new Set(said).size).toBe(SIGN_IN_PROGRESS.length);
    for (const words of said) expect(words).toMatch(/^[A-Z][a-z ]+…$/);
  });

  it('names the secret that was typed', () => {
    expect(progressWords('credentials', 'password')).toBe('Checking your password…');
    expect(progressWords('credentials', 'PIN')).toBe('Checking your PIN…');
  });
});
