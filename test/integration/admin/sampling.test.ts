/**
 * `GET /events?max-rps=N` and the remote Store that asks for it (`devmode ui`), against a real
 * running System: under a burst of real calls through the gateway a sampled stream gets
 * every failure and `admin.sampled` markers, a stream without it every call, and the remote
 * Store counts the skipped calls in its tap and says the tap is sampled.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampledMarker } from '../../../src/admin/index.js';
import { connectRemoteStore } from '../../../src/cli/admin-client/index.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import { Harness } from '../../../src/harness/index.js';
import { FIXTURES, FREE_PORTS, removeDir, tempDir } from '../../helpers/devmode-rig.js';
import { openStream, type StreamReader } from './stream-reader.js';

const WEB = path.join(FIXTURES, 'e2e/web.mjs');

let dir: string;
let h: Harness;
let adminUrl: string;

beforeAll(async () => {
  dir = tempDir({
    'devmode.yaml': `
name: sampling-${process.pid}
services:
  web:
    command: node ${WEB}
    readiness: { http: /health }
    routes: [{ path: /web/**, strip_prefix: /web }]
${FREE_PORTS}`,
  });
  h = await Harness.start({ file: path.join(dir, 'devmode.yaml') });
  adminUrl = h.system.addresses.adminUrl!;
}, 60_000);

afterAll(async () => {
  await h?.stop();
  if (dir) removeDir(dir);
});

/**
 * Real calls through the gateway from 8 callers for `ms`: `/web/ok/<run>/<n>` answered by
 * web, and every 10th `/nowhere/<run>/<n>` (no route: the gateway answers 404 itself, a
 * failure). Returns how many of each were made.
 */
async function burst(run: string, ms: number): Promise<{ ok: number; failed: number }> {
  const until = Date.now() + ms;
  const made = { ok: 0, failed: 0 };
  let n = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < until) {
        const i = n++;
        const fail = i % 10 === 0;
        const res = await fetch(`${h.gatewayUrl}/${fail ? 'nowhere' : 'web/ok'}/${run}/${i}`);
        await res.arrayBuffer();
        if (fail) made.failed++;
        else made.ok++;
      }
    }),
  );
  return made;
}

/** The JSON lines of an ndjson stream. */
function parsed(stream: StreamReader): (DevmodeEvent | SampledMarker)[] {
  return stream.lines().map((l) => JSON.parse(l) as DevmodeEvent | SampledMarker);
}

function exchangesOf(events: (DevmodeEvent | SampledMarker)[], run: string): { ok: number; failed: number } {
  const mine = events.filter((e) => e.type === 'http.exchange' && e.path.includes(`/${run}/`)) as Extract<DevmodeEvent, { type: 'http.exchange' }>[];
  return { ok: mine.filter((e) => e.status === 200).length, failed: mine.filter((e) => e.error !== undefined && e.status === 404).length };
}

describe('GET /events?max-rps=N under a burst of real calls', () => {
  it('sends every failure and says how many calls it left out; a stream without max-rps gets every call', async () => {
    const sampled = await openStream(`${adminUrl}/events?type=http.exchange&max-rps=5`);
    const everything = await openStream(`${adminUrl}/events?type=http.exchange`);
    const made = await burst('a', 2500);
    expect(made.ok).toBeGreaterThan(50);
    // the last marker comes within about a second of the last skip
    await sampled.until((text) => text.includes('/a/') && text.includes('admin.sampled'), 10_000);
    await everything.until(() => exchangesOf(parsed(everything), 'a').ok === made.ok, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const all = exchangesOf(parsed(everything), 'a');
    expect(all).toEqual(made);
    expect(parsed(everything).some((e) => e.type === 'admin.sampled')).toBe(false);

    const events = parsed(sampled);
    const got = exchangesOf(events, 'a');
    expect(got.failed).toBe(made.failed);
    expect(got.ok).toBeLessThan(made.ok);
    const markers = events.filter((e): e is SampledMarker => e.type === 'admin.sampled');
    expect(markers.length).toBeGreaterThan(0);
    for (const m of markers) expect(m).toMatchObject({ maxRps: 5, skipped: expect.any(Number) });
    // what was sent and what was reported skipped add up to every call (this stream saw only this burst)
    expect(markers.reduce((sum, m) => sum + m.skipped, 0) + got.ok + got.failed).toBe(made.ok + made.failed);
  }, 60_000);

  it('max-rps that is not a whole number is a 400 with one message', async () => {
    const res = await fetch(`${adminUrl}/events?max-rps=abc`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; hint: string };
    expect(body.error).toBe('max-rps=abc is not a whole number of calls a second');
    expect(body.hint).toContain('max-rps=0');
  });

  it('a remote Store asking for max-rps counts the skipped calls in its tap and says it is sampled', async () => {
    // A tap that holds the whole burst: the sampler knows the rate only from the second
    // before, so the burst's first second all comes through, and on a fast machine that
    // alone can fill the default 2,000 entries and push out failures this test counts.
    const remote = await connectRemoteStore(adminUrl, { pollMs: 200, reconnectMs: 100, maxRps: 5, limits: { tap: 50_000 } });
    try {
      expect(remote.store.getSnapshot().tapSampled).toBeNull();
      const made = await burst('b', 2500);
      const sampled = await remote.store.waitFor((s) => s.tapSampled, { timeout: 10_000, what: 'the tap said sampled' });
      expect(sampled).toMatchObject({ maxRps: 5 });
      expect(sampled.skipped).toBeGreaterThan(0);
      // every call counts in the tap's total, kept or not: the same as the devmode's own
      const local = h.store.getSnapshot().tap.total;
      const s = await remote.store.waitFor((x) => (x.tap.total === local ? x : null), { timeout: 10_000, what: `the remote tap's total to reach ${local}` });
      expect(s.tap.dropped).toBeGreaterThan(0);
      const failures = s.tap.items.filter((t) => t.path.includes('/b/') && t.error !== null);
      expect(failures.length).toBe(made.failed);
      // once devmode has nothing more to leave out, the note goes
      await remote.store.waitFor((x) => x.tapSampled === null, { timeout: 10_000, what: 'the sampled note to go' });
    } finally {
      await remote.close();
    }
  }, 60_000);
});
