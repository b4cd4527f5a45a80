/**
 * A small HTTP load generator (autocannon-like) over undici Pools with keep-alive
 * connections. Two modes: saturation (every connection sends back-to-back) for
 * throughput, and a fixed request rate for latency.
 */
import { Pool } from 'undici';

export interface LoadResult {
  /** requests answered in the measured window */
  requests: number;
  /** requests answered in all, warm-up included (to divide a process's CPU time by) */
  answered: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarise(latencies: number[], answered: number, errors: number, elapsedMs: number): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  return { requests: latencies.length, answered, errors, rps: (latencies.length / elapsedMs) * 1000, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

async function once(pool: Pool, path: string): Promise<void> {
  const { statusCode, body } = await pool.request({ method: 'GET', path });
  for await (const _ of body) {
    // drain
  }
  if (statusCode !== 200) throw new Error(`status ${statusCode}`);
}

/** Saturates `url` with `connections` concurrent keep-alive connections for `durationMs`. */
export async function saturate(url: string, connections: number, durationMs: number, warmupMs = 500): Promise<LoadResult> {
  const { origin, pathname } = new URL(url);
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  try {
    const latencies: number[] = [];
    let errors = 0;
    let answered = 0;
    let recording = false;
    const t0 = performance.now();
    const end = t0 + warmupMs + durationMs;
    let start = 0;
    setTimeout(() => {
      recording = true;
      start = performance.now();
    }, warmupMs);
    const worker = async () => {
      while (performance.now() < end) {
        const s = performance.now();
        try {
          await once(pool, pathname);
          answered++;
          if (recording) latencies.push(performance.now() - s);
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    return summarise(latencies, answered, errors, performance.now() - start);
  } finally {
    await pool.destroy();
  }
}

/**
 * Sends `rps` requests per second for `durationMs` (open loop: a slow answer does not
 * delay the next send) and measures each request's latency from its scheduled time.
 */
export async function fixedRate(url: string, rps: number, durationMs: number, warmupMs = 300): Promise<LoadResult> {
  const { origin, pathname } = new URL(url);
  const pool = new Pool(origin, { connections: 32, pipelining: 1, keepAliveTimeout: 30_000 });
  try {
    const latencies: number[] = [];
    let errors = 0;
    const interval = 1000 / rps;
    const total = Math.round(((warmupMs + durationMs) / 1000) * rps);
    const warm = Math.round((warmupMs / 1000) * rps);
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    let sent = 0;
    await new Promise<void>((done) => {
      const tick = () => {
        const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
        while (sent < due) {
          const index = sent++;
          const scheduled = t0 + index * interval;
          pending.push(
            once(pool, pathname).then(
              () => {
                if (index >= warm) latencies.push(performance.now() - scheduled);
              },
              () => void errors++,
            ),
          );
        }
        if (sent >= total) done();
        else setImmediate(tick);
      };
      tick();
    });
    await Promise.all(pending);
    return summarise(latencies, total - errors, errors, durationMs);
  } finally {
    await pool.destroy();
  }
}
