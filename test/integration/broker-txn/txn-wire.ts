/**
 * Requests sent by hand (RawClient), for what a client library hides: the versions
 * ApiVersions advertises, the producer id and epoch InitProducerId gives, and EndTxn's
 * error for a given epoch.
 */
import { expect, onTestFinished } from 'vitest';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { RawClient } from '../broker-wire/raw-client.js';

/** One request, its response body after the correlation id (a connection per call, closed at the end of the test). */
async function ask(bootstrap: string, key: number, version: number, body: Buffer, flexibleHeader = false): Promise<Reader> {
  const c = await RawClient.connect(bootstrap);
  onTestFinished(() => c.close());
  c.send(RawClient.frame(key, version, 7, body, flexibleHeader));
  const frame = await c.next();
  if (!frame) throw new Error(`the broker closed the connection on API ${key} v${version}`);
  const r = new Reader(frame);
  r.int32(); // correlation id
  return r;
}

/** ApiVersions v3: each API's [min, max], and the tags of the response (SupportedFeatures 0, FinalizedFeatures 2). */
export async function apiVersions(bootstrap: string): Promise<{ versions: Map<number, [number, number]>; tags: number[] }> {
  const r = await ask(bootstrap, 18, 3, new Writer().compactString('txn-test').compactString('1').uvarint(0).toBuffer(), true);
  expect(r.int16()).toBe(0);
  const versions = new Map<number, [number, number]>();
  r.compactArray((a) => {
    versions.set(a.int16(), [a.int16(), a.int16()]);
    a.taggedFields();
  });
  r.int32(); // throttle_time_ms
  const tags: number[] = [];
  r.taggedFields((tag) => tags.push(tag));
  return { versions, tags };
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
