/** The small pure pieces at the server's edges: frames, search patterns, base64, notifications, errors, salts. */
import { describe, expect, it } from 'vitest';
import { MAX_CLIENT_FRAME_BYTES } from '../../../shared/protocol/stream';
import { decoySalt } from '../../../server/accounts/prelogin';
import { fromBase64 as canonicalBase64Bytes } from '../../../shared/node/crypto/base64';
import { containsPattern } from '../../../server/directory/like-pattern';
import { parseSessionEnded } from '../../../server/events/channels';
import { failureOfError } from '../../../server/http/error-reply';
import { faultOf } from '../../../server/logging/fault';
import { parseClientFrame } from '../../../server/stream/client-frames';

const text = (value: string) => Buffer.from(value, 'utf8');

describe('client frames', () => {
  it('reads a resume frame', () => {
    expect(parseClientFrame(text('{"type":"resume","after":42}'), false)).toEqual({ type: 'resume', after: 42 });
  });

  it('refuses binary, oversized, non-JSON and unknown frames', () => {
    expect(parseClientFrame(text('{"type":"resume","after":0}'), true)).toBeNull();
    expect(
      parseClientFrame(text(`{"type":"resume","after":0,"x":"${'a'.repeat(MAX_CLIENT_FRAME_BYTES)}"}`), false),
    ).toBeNull();
    for (const bad of [
      '{',
      'null',
      '[]',
      '{"type":"resume"}',
      '{"type":"resume","after":-1}',
      '{"type":"resume","after":1.5}',
      '{"type":"ping"}',
    ]) {
      expect(parseClientFrame(text(bad), false)).toBeNull();
    }
  });
});

describe('directory search patterns', () => {
  it('matches the text anywhere, with % _ and \\ taken literally', () => {
    expect(containsPattern('adams')).toBe('%adams%');
    expect(containsPattern('50%_\\')).toBe('%50\\%\\_\\\\%');
    expect(containsPattern('')).toBe('%%');
  });
});

describe('canonical base64', () => {
  it('accepts the one canonical spelling of exactly the expected length', () => {
    const key = Buffer.alloc(32, 5).toString('base64');
    expect(canonicalBase64Bytes(key, 32)).toEqual(new Uint8Array(Buffer.alloc(32, 5)));
    expect(canonicalBase64Bytes(key, 31)).toBeNull();
    const twin = `${key.slice(0, 42)}${key.charAt(42) === 'U' ? 'V' : 'U'}=`;
    expect(Buffer.from(twin, 'base64').length).toBe(32);
    expect(canonicalBase64Bytes(twin, 32)).toBeNull();
    expect(canonicalBase64Bytes(key.replace(/=$/, ''), 32)).toBeNull();
    expect(canonicalBase64Bytes(`${key.slice(0, 10)}-${key.slice(11)}`, 32)).toBeNull();
  });
});

describe('session-ended notifications', () => {
  it('parse only a known reason and a session id', () => {
    expect(parseSessionEnded('revoked 6f1c1c43-4c8e-4a4e-9a55-1f0f6b3b2a11')).toEqual({
      reason: 'revoked',
      sessionId: '6f1c1c43-4c8e-4a4e-9a55-1f0f6b3b2a11',
    });
    expect(parseSessionEnded('rebooted 6f1c1c43')).toBeNull();
    expect(parseSessionEnded('revoked')).toBeNull();
    expect(parseSessionEnded('revoked a b')).toBeNull();
  });
});

describe('error replies', () => {
  it('map Fastify’s client errors to typed codes and everything else to INTERNAL', () => {
    expect(failureOfError({ statusCode: 413 })).toEqual({ ok: false, error: 'PAYLOAD_TOO_LARGE' });
    expect(failureOfError({ statusCode: 415 })).toEqual({ ok: false, error: 'MALFORMED_REQUEST' });
    expect(failureOfError({ statusCode: 400 })).toEqual({ ok: false, error: 'MALFORMED_REQUEST' });
    expect(failureOfError({ statusCode: 500 })).toEqual({ ok: false, error: 'INTERNAL' });
    expect(failureOfError({})).toEqual({ ok: false, error: 'INTERNAL' });
  });

  it('describe a fault by class and code only, never by message', () => {
    const duplicate = Object.assign(new Error('Key (user_id)=(nurse.adams) already exists.'), { code: '23505' });
    expect(faultOf(duplicate)).toBe('Error 23505');
    expect(faultOf(Object.assign(new Error('listen EADDRINUSE 127.0.0.1:8443'), { code: 'EADDRINUSE' }))).toBe(
      'Error EADDRINUSE',
    );
    expect(faultOf(Object.assign(new TypeError('Grace Adams'), { code: 'not a code!' }))).toBe('TypeError');
    expect(faultOf('Grace Adams')).toBe('non-error');
  });
});

describe('decoy salts', () => {
  it('are 16 bytes, stable per id and secret, and differ across ids and secrets', () => {
    const secret = Buffer.alloc(32, 1);
    const salt = decoySalt(secret, 'no.such.user');
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    expect(decoySalt(secret, 'no.such.user')).toBe(salt);
    expect(decoySalt(secret, 'no.such.user2')).not.toBe(salt);
    expect(decoySalt(Buffer.alloc(32, 2), 'no.such.user')).not.toBe(salt);
  });
});
