/**
 * Transaction requests sent by hand (RawClient), for what a client library hides: the
 * producer id and epoch InitProducerId gives, and EndTxn's error for a given epoch.
 */
import { onTestFinished } from 'vitest';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { RawClient } from '../broker-wire/raw-client.js';

/** One request, its response body after the correlation id (a connection per call, closed at the end of the test). */
async function ask(bootstrap: string, key: number, version: number, body: Buffer): Promise<Reader> {
  const c = await RawClient.connect(bootstrap);
  onTestFinished(() => c.close());
  c.send(RawClient.frame(key, version, 7, body));
  const frame = await c.next();
  if (!frame) throw new Error(`the broker closed the connection on API ${key} v${version}`);
  const r = new Reader(frame);
  r.int32(); // correlation id
  return r;
}

/** InitProducerId v1 for a transactional id. */
export async function initProducerId(bootstrap: string, transactionalId: string, timeoutMs = 60_000): Promise<{ error: number; producerId: bigint; epoch: number }> {
  const r = await ask(bootstrap, 22, 1, new Writer().nullableString(transactionalId).int32(timeoutMs).toBuffer());
  r.int32(); // throttle_time_ms
  return { error: r.int16(), producerId: r.int64(), epoch: r.int16() };
}

/** EndTxn v1: its error code. */
export async function endTxn(bootstrap: string, transactionalId: string, producerId: bigint, epoch: number, commit: boolean): Promise<number> {
  const r = await ask(bootstrap, 26, 1, new Writer().string(transactionalId).int64(producerId).int16(epoch).bool(commit).toBuffer());
  r.int32(); // throttle_time_ms
  return r.int16();
}
