import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../src/mesh/redact.js';
import { request, startMesh, waitFor } from './helpers.js';

describe('body capture', () => {
  it('captures nothing until switched on', async () => {
    const rig = await startMesh();
    await request(`${rig.toUser.url}/a`, { method: 'POST', body: 'hello' });
    expect(rig.capture.list()).toEqual([]);
  });

  it('captures bounded bodies and redacted headers of the edges switched on', async () => {
    const rig = await startMesh();
    rig.capture.enable({ callee: 'user' });
    const res = await request(`${rig.toUser.url}/login`, {
      method: 'POST',
      body: '{"user":"ann","long":"0123456789"}',
      headers: { authorization: 'Bearer top-secret', cookie: 'sid=1', 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    await request(`${rig.toOrder.url}/not-captured`);
    const [c] = await waitFor('the capture', () => rig.capture.list().length > 0 && rig.capture.list());
    expect(rig.capture.list()).toHaveLength(1);
    expect(c).toMatchObject({ caller: 'shipping', callee: 'user', method: 'POST', path: '/login', status: 200 });
    expect(c!.requestHeaders).toMatchObject({ authorization: REDACTED, cookie: REDACTED, 'content-type': 'application/json' });
    expect(c!.responseHeaders['set-cookie']).toEqual([REDACTED, REDACTED]);
    expect(c!.requestBody).toBe('{"user":"ann","lo'.slice(0, 16));
    expect(c!.truncated).toEqual({ request: true, response: true });
    expect(JSON.stringify(c)).not.toContain('top-secret');
    expect(JSON.stringify(c)).not.toContain('secret1');
    // the call itself was not changed by the tap
    expect(JSON.parse(res.body)).toMatchObject({ got: '{"user":"ann","long":"0123456789"}' });
    rig.capture.disable();
    await request(`${rig.toUser.url}/later`);
    expect(rig.capture.list()).toHaveLength(1);
  });
});
