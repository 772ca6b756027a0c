import { describe, expect, it } from 'vitest';
import { signedOutNotice } from '../../../renderer/src/sign-in/signed-out-notice';
import { SIGNED_OUT_REASONS } from '../../../shared/ipc/contract';

describe('what the sign-in screen says when IT or the server signed someone out', () => {
  it('says it plainly for every reason, each differently', () => {
    expect(signedOutNotice('workstation-wiped')).toMatch(/^This workstation was wiped by IT\./);
    expect(signedOutNotice('account-disabled')).toMatch(/^Your account was disabled by IT/);
    expect(signedOutNotice('signed-out-by-it')).toMatch(/signed out remotely: by IT/);
    const said = SIGNED_OUT_REASONS.map(signedOutNotice);
    expect(new Set(said).size).toBe(SIGNED_OUT_REASONS.length);
    for (const text of said) expect(text.length).toBeGreaterThan(20);
  });
});
