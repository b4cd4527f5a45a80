import { describe, expect, it } from 'vitest';
import { isSensitiveHeader, redactHeaders, redactRawHeaders, REDACTED } from '../../../src/mesh/redact.js';

describe('redaction', () => {
  it('replaces credentials, whatever the case, and keeps the rest', () => {
    const out = redactHeaders({
      Authorization: 'Bearer abc',
      'proxy-authorization': 'Basic xyz',
      cookie: 'sid=1',
      'set-cookie': ['a=1', 'b=2'],
      'X-API-Key': 'k',
      'x-auth-token': 't',
      'x-client-secret': 's',
      'db-password': 'p',
      'content-type': 'application/json',
      'content-length': 12 as unknown as string,
      accept: undefined,
    });
    expect(out).toEqual({
      Authorization: REDACTED,
      'proxy-authorization': REDACTED,
      cookie: REDACTED,
      'set-cookie': [REDACTED, REDACTED],
      'X-API-Key': REDACTED,
      'x-auth-token': REDACTED,
      'x-client-secret': REDACTED,
      'db-password': REDACTED,
      'content-type': 'application/json',
      'content-length': '12',
    });
  });

  it('redacts raw header lists', () => {
    expect(redactRawHeaders(['Host', 'a', 'COOKIE', 'x=1', 'Accept', '*/*'])).toEqual(['Host', 'a', 'COOKIE', REDACTED, 'Accept', '*/*']);
  });

  it('does not flag ordinary headers', () => {
    for (const name of ['accept', 'content-type', 'traceparent', 'user-agent', 'x-request-id']) expect(isSensitiveHeader(name)).toBe(false);
  });
});
