import { describe, expect, it } from 'vitest';
import { decideSigning } from '../../../electron-builder.config';

const subject = { WARDLINE_SIGN_CERT_SUBJECT: 'Example Hospital Trust' };
const azure = {
  WARDLINE_AZURE_SIGN_ENDPOINT: 'https://weu.codesigning.azure.net/',
  WARDLINE_AZURE_SIGN_ACCOUNT: 'wardline-signing',
  WARDLINE_AZURE_SIGN_PROFILE: 'wardline-public-trust',
  WARDLINE_AZURE_SIGN_PUBLISHER: 'Example Hospital Trust',
};

describe('code signing, decided from the environment', () => {
  it('packages locally unsigned when nothing is set', () => {
    expect(decideSigning({})).toEqual({ ok: true, release: false, signing: {} });
    expect(decideSigning({ WARDLINE_RELEASE: '0' })).toEqual({ ok: true, release: false, signing: {} });
  });

  it('refuses a release with no signing method, naming every variable that would give one', () => {
    const decision = decideSigning({ WARDLINE_RELEASE: '1' });
    expect(decision).toMatchObject({ ok: false, code: 'signing_missing' });
    for (const name of ['WARDLINE_SIGN_CERT_SUBJECT', ...Object.keys(azure)]) {
      expect(decision.ok ? '' : decision.message).toContain(name);
    }
  });

  it('treats a variable set to blanks as unset, so an empty pipeline secret cannot pass as one', () => {
    expect(decideSigning({ WARDLINE_RELEASE: '1', WARDLINE_SIGN_CERT_SUBJECT: '  ' })).toMatchObject({
      ok: false,
      code: 'signing_missing',
    });
  });

  it('signs a release with signtool, SHA-256 only, by the certificate subject', () => {
    expect(decideSigning({ WARDLINE_RELEASE: '1', ...subject })).toEqual({
      ok: true,
      release: true,
      signing: {
        signtoolOptions: { certificateSubjectName: 'Example Hospital Trust', signingHashAlgorithms: ['sha256'] },
      },
    });
  });

  it('signs a release with Azure Trusted Signing when all four of its variables are set', () => {
    expect(decideSigning({ WARDLINE_RELEASE: '1', ...azure })).toEqual({
      ok: true,
      release: true,
      signing: {
        azureSignOptions: {
          endpoint: 'https://weu.codesigning.azure.net/',
          codeSigningAccountName: 'wardline-signing',
          certificateProfileName: 'wardline-public-trust',
          publisherName: 'Example Hospital Trust',
        },
      },
    });
  });

  it('signs a local build too when it is given a method, without making it a release', () => {
    expect(decideSigning(subject)).toMatchObject({ ok: true, release: false });
  });

  it('refuses Azure Trusted Signing half set, naming what is missing, in a release or not', () => {
    const partial = { WARDLINE_AZURE_SIGN_ENDPOINT: azure.WARDLINE_AZURE_SIGN_ENDPOINT };
    for (const env of [partial, { ...partial, WARDLINE_RELEASE: '1' }]) {
      const decision = decideSigning(env);
      expect(decision).toMatchObject({ ok: false, code: 'signing_incomplete' });
      const message = decision.ok ? '' : decision.message;
      expect(message).toContain(
        'WARDLINE_AZURE_SIGN_ACCOUNT, WARDLINE_AZURE_SIGN_PROFILE, WARDLINE_AZURE_SIGN_PUBLISHER',
      );
      expect(message).not.toContain('also set WARDLINE_AZURE_SIGN_ENDPOINT');
    }
  });

  it('refuses two signing methods at once rather than pick one', () => {
    expect(decideSigning({ WARDLINE_RELEASE: '1', ...subject, ...azure })).toMatchObject({
      ok: false,
      code: 'signing_ambiguous',
    });
  });

  it('refuses a release flag it does not know, rather than package unsigned', () => {
    for (const flag of ['true', 'yes', '2']) {
      expect(decideSigning({ WARDLINE_RELEASE: flag, ...subject })).toMatchObject({
        ok: false,
        code: 'release_flag_invalid',
      });
    }
  });

  it('never puts a variable value in its messages', () => {
    const decision = decideSigning({ ...subject, WARDLINE_AZURE_SIGN_ACCOUNT: 'wardline-signing' });
    expect(decision).toMatchObject({ ok: false, code: 'signing_ambiguous' });
    expect(decision.ok ? '' : decision.message).not.toMatch(/Example Hospital Trust|wardline-signing/);
  });
});
