import { localTime } from './audit-labels';
import type { Verification } from './audit-types';
import { verificationText } from './audit-verification';

/**
 * The proof behind the records shown, said first and plainly: verified (a status), or broken (an
 * alert, with each problem by record number). Both regions are always in the page, so a change
 * is announced; each takes no space while it has nothing to say.
 */
export function VerificationStatus({ verification }: { readonly verification: Verification | null }) {
  const text = verification === null ? null : verificationText(verification, (at) => localTime(at));
  const calm = text !== null && text.tone !== 'broken' ? text : null;
  const broken = text?.tone === 'broken' ? text : null;
  return (
    <>
      <div role="status" className={calm === null ? 'verification-none' : `verification verification-${calm.tone}`}>
        {calm !== null && (
          <>
            <span className="verification-mark" aria-hidden="true">
              {calm.tone === 'verified' ? '✓' : 'i'}
            </span>
            <div>
              <p className="verification-headline">{calm.headline}</p>
              {calm.tone === 'verified' && (
                <p className="verification-detail">
                  Each record hashes to what it claims and is in the server’s signed tree head, and that head extends
                  the one this workstation witnessed before.
                </p>
              )}
            </div>
          </>
        )}
      </div>
      <div role="alert" className={broken === null ? 'verification-none' : 'verification verification-broken'}>
        {broken !== null && (
          <>
            <span className="verification-mark" aria-hidden="true">
              !
            </span>
            <div>
              <p className="verification-headline">{broken.headline}</p>
              {broken.problems.length > 0 && (
                <ul className="verification-problems">
                  {broken.problems.map((problem, index) => (
                    <li key={index}>{problem}</li>
                  ))}
                </ul>
              )}
            </div>
          </>
        )}
      </div>
    </>
  );
}
