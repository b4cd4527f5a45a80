/**
 * Fetch (key 1), v0-13; flexible from v12. v0-3 (Kafka 3.9 served them, Kafka 4 does not)
 * answer with the old message format, converted from the stored batches as Kafka 3.x did
 * (magic 0 for v0-1, magic 1 for v2-3; transaction markers left out; log/legacy-records.ts). v13 names topics by id (the Metadata v10+ topic
 * id) instead of by name: @platformatic/kafka needs it, since its v12 encoder puts the
 * topic id where the name belongs. An unknown id gets UNKNOWN_TOPIC_ID.
 *
 * Returns stored RecordBatches as they are (no re-encoding, no record decoding): from the
 * batch holding fetch_offset onwards, within partition_max_bytes and max_bytes, except that
 * the first batch of the first non-empty partition is returned whole even when larger
 * (KIP-74). An offset outside [logStart, HWM] gets OFFSET_OUT_OF_RANGE. Long polling: when
 * fewer than min_bytes are ready, the request waits until an append to one of its
 * partitions brings enough, max_wait_ms passes, or the connection closes.
 * read_committed (isolation_level 1) serves batches below the last stable offset only, with
 * the aborted transactions in that range for the client to drop (broker/apis/transactions.ts).
 * Broker faults: a fetch for a member of a paused group gets no records (lag builds); a
 * delivery delay holds back batches appended less than the delay ago (a parked fetch wakes
 * when they become deliverable, or when the faults change). Each connection reports what it
 * fetched as `broker.fetch` events, at most once a second per partition.
 * Not done: fetch sessions (always session id 0, i.e. full fetches), forgotten topics,
 * rack-aware replica selection, and the UNSUPPORTED_COMPRESSION_TYPE check for zstd batches below v10.
 */
import type { ApiHandler, RequestContext } from './api.js';
import type { LogStore, PartitionLog } from '../log/contract.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { batchesToMessageSet } from '../log/legacy-records.js';
import type { AbortedTransaction } from './transactions.js';

interface PartitionRequest {
  partition: number;
  fetchOffset: bigint;
  maxBytes: number;
}
interface TopicRequest {
  /** null: a v13+ topic id that names no topic */
  topic: string | null;
  /** v13+: the id the request named it by, echoed in the response */
  id: Buffer | null;
  partitions: PartitionRequest[];
}
interface FetchRequest {
  /** isolation_level 1: read_committed (stop at the last stable offset) */
  committed: boolean;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: TopicRequest[];
}
interface PartitionResult {
  partition: number;
  error: number;
  highWatermark: bigint;
  logStartOffset: bigint;
  lastStableOffset: bigint;
  /** read_committed only: aborted transactions in the range served */
  aborted: AbortedTransaction[];
  batches: Buffer[];
}

export const fetch: ApiHandler = {
  key: 1,
  name: 'Fetch',
  minVersion: 0,
  maxVersion: 13,
  firstFlexibleVersion: 12,
  handle(req, version, ctx) {
    const request = read(req, version, ctx.broker.store);
    const first = collect(ctx, request);
    if (first.ready || request.maxWaitMs <= 0) return respond(ctx, version, request, first.results);
    return park(ctx, request, first.wakeAt).then(() => (ctx.signal.aborted ? null : respond(ctx, version, request, collect(ctx, request).results)));
  },
};

function respond(ctx: RequestContext, version: number, request: FetchRequest, results: PartitionResult[][]): Writer {
  const client = ctx.client;
  if (client) {
    const now = ctx.broker.now();
    request.topics.forEach((t, i) => {
      const parts = results[i]!;
      t.partitions.forEach((p, j) => {
        const r = parts[j]!;
        if (r.error !== ErrorCode.NONE || t.topic === null) return;
        let bytes = 0;
        for (const b of r.batches) bytes += b.length;
        client.noteFetch(t.topic, p.partition, p.fetchOffset, r.highWatermark, bytes, r.batches.length, now);
      });
    });
  }
  return write(version, request, results);
}

function read(req: Reader, version: number, store: LogStore): FetchRequest {
  const flex = version >= 12;
  req.int32(); // replica_id
  const maxWaitMs = req.int32();
  const minBytes = req.int32();
  const maxBytes = version >= 3 ? req.int32() : 0x7fffffff;
  const committed = version >= 4 && req.int8() === 1;
  if (version >= 7) {
    req.int32(); // session_id
    req.int32(); // session_epoch
  }
  const byId = version >= 13;
  const topics = req.arr(flex, (r) => {
    const id = byId ? r.uuid() : null;
    const topic = id ? (store.topicById(id)?.name ?? null) : r.str(flex);
    const partitions = r.arr(flex, (r) => {
      const partition = r.int32();
      if (version >= 9) r.int32(); // current_leader_epoch
      const fetchOffset = r.int64();
      if (version >= 12) r.int32(); // last_fetched_epoch
      if (version >= 5) r.int64(); // log_start_offset (followers only)
      const maxBytes = r.int32();
      r.tags(flex);
      return { partition, fetchOffset, maxBytes };
    });
    r.tags(flex);
    return { topic, id, partitions };
  });
  if (version >= 7) {
    req.arr(flex, (r) => {
      if (byId) r.uuid();
      else r.str(flex);
      r.arr(flex, (r) => r.int32());
      r.tags(flex);
      return null;
    });
  }
  if (version >= 11) req.str(flex); // rack_id
  req.tags(flex);
  return { committed, maxWaitMs, minBytes, maxBytes: maxBytes <= 0 ? 0x7fffffff : maxBytes, topics };
}

/**
 * Reads what is available now; `ready` when it meets min_bytes or a partition has an error.
 * `wakeAt`: when records held back by a delivery delay become deliverable (Infinity if none).
 */
function collect(ctx: RequestContext, request: FetchRequest): { ready: boolean; results: PartitionResult[][]; wakeAt: number } {
  const store = ctx.broker.store;
  let budget = request.maxBytes;
  let total = 0;
  let errors = false;
  let wakeAt = Infinity;
  const faults = ctx.broker.faults?.state ? ctx.broker.faults : undefined;
  const paused = faults !== undefined && ctx.client !== undefined && faults.paused(ctx.client.groups());
  const now = faults ? ctx.broker.now() : 0;
  const results = request.topics.map((t) =>
    t.partitions.map((p): PartitionResult => {
      const topic = t.topic;
      const log = topic === null ? undefined : store.partition(topic, p.partition);
      if (topic === null || !log) {
        errors = true;
        const error = topic === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        return { partition: p.partition, error, highWatermark: -1n, logStartOffset: -1n, lastStableOffset: -1n, aborted: [], batches: [] };
      }
      const hwm = log.highWatermark;
      const start = log.logStartOffset;
      const lso = ctx.broker.transactions.lastStableOffset(topic, p.partition, hwm);
      if (p.fetchOffset < start || p.fetchOffset > hwm) {
        errors = true;
        return { partition: p.partition, error: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: hwm, logStartOffset: start, lastStableOffset: lso, aborted: [], batches: [] };
      }
      // read_committed stops at the last stable offset (batches are whole, so none straddles it)
      const end = request.committed ? lso : hwm;
      let batches: Buffer[] = [];
      if (p.fetchOffset < end && budget > 0 && !paused) {
        const held = faults?.heldFrom(topic, p.partition, now);
        if (held) wakeAt = Math.min(wakeAt, held.until);
        if (!held) batches = log.read(p.fetchOffset, Math.min(p.maxBytes, budget), total === 0);
        else if (held.offset > p.fetchOffset) batches = before(log.read(p.fetchOffset, Math.min(p.maxBytes, budget), total === 0), held.offset);
        if (end < hwm) batches = before(batches, end);
        for (const b of batches) {
          total += b.length;
          budget -= b.length;
        }
      }
      const aborted = request.committed ? ctx.broker.transactions.abortedIn(log, p.fetchOffset, end) : [];
      return { partition: p.partition, error: ErrorCode.NONE, highWatermark: hwm, logStartOffset: start, lastStableOffset: lso, aborted, batches };
    }),
  );
  return { ready: errors || total >= Math.max(1, request.minBytes), results, wakeAt };
}

/** The leading batches that start before `offset` (stored batches carry their real base offset). */
function before(batches: Buffer[], offset: bigint): Buffer[] {
  let n = 0;
  while (n < batches.length && batches[n]!.readBigInt64BE(0) < offset) n++;
  return n === batches.length ? batches : batches.slice(0, n);
}

/**
 * Waits for an append that meets min_bytes, the max wait, or the connection's close; with
 * faults, also re-checks when held-back records become deliverable (`wakeAt`) and when the
 * faults change (a group resumed, a delay cleared).
 */
function park(ctx: RequestContext, request: FetchRequest, wakeAt: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const logs: PartitionLog[] = [];
    for (const t of request.topics) {
      for (const p of t.partitions) {
        const log = t.topic === null ? undefined : ctx.broker.store.partition(t.topic, p.partition);
        if (log) logs.push(log);
      }
    }
    const cancels: (() => void)[] = [];
    let finished = false;
    let wake: NodeJS.Timeout | undefined;
    let offFaults: (() => void) | undefined;
    const done = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(wake);
      offFaults?.();
      ctx.signal.removeEventListener('abort', done);
      for (const c of cancels) c();
      cancels.length = 0;
      resolve();
    };
    let scheduled = false;
    const check = (): void => {
      scheduled = false;
      if (finished) return;
      const now = collect(ctx, request);
      if (now.ready) done();
      else {
        arm();
        wakeFor(now.wakeAt);
      }
    };
    const wakeFor = (at: number): void => {
      clearTimeout(wake);
      wake = undefined;
      if (at !== Infinity) wake = setTimeout(onAppend, Math.max(0, at - ctx.broker.now()));
    };
    // The check runs after the appending request finishes (a microtask), not inside the
    // log's append: the produce path stays short and a listener set is never mutated while
    // the log iterates it.
    const onAppend = (): void => {
      if (scheduled || finished) return;
      scheduled = true;
      queueMicrotask(check);
    };
    const arm = (): void => {
      if (finished) return;
      for (const c of cancels) c();
      cancels.length = 0;
      for (const log of logs) cancels.push(log.onAppend(onAppend));
    };
    const timer = setTimeout(done, request.maxWaitMs);
    ctx.signal.addEventListener('abort', done);
    offFaults = ctx.broker.faults?.onChange(onAppend);
    arm();
    wakeFor(wakeAt);
  });
}

function write(version: number, request: FetchRequest, results: PartitionResult[][]): Writer {
  const flex = version >= 12;
  const w = new Writer(256);
  if (version >= 1) w.int32(0); // throttle_time_ms
  if (version >= 7) w.int16(ErrorCode.NONE).int32(0); // error_code, session_id 0 = no session
  const answers = request.topics.map((t, i) => ({ topic: t, parts: results[i]! }));
  w.arr(flex, answers, (w, { topic, parts }) => {
    if (version >= 13) w.uuid(topic.id);
    else w.str(flex, topic.topic ?? '');
    w.arr(flex, parts, (w, p) => {
      w.int32(p.partition).int16(p.error).int64(p.highWatermark);
      if (version < 4) {
        // the old message format, converted for clients that predate RecordBatch v2
        w.bytes(batchesToMessageSet(p.batches, version < 2 ? 0 : 1, maxBytesOf(topic, p.partition)));
        return;
      }
      w.int64(p.lastStableOffset);
      if (version >= 5) w.int64(p.logStartOffset);
      // aborted_transactions: null when none, as Kafka sends
      w.arr(flex, p.aborted.length > 0 ? p.aborted : null, (w, a) => {
        w.int64(a.producerId).int64(a.firstOffset).tags(flex);
      });
      if (version >= 11) w.int32(-1); // preferred_read_replica
      w.records(flex, p.batches);
      w.tags(flex);
    });
    w.tags(flex);
  });
  return w.tags(flex);
}

/** The partition_max_bytes a request asked for one partition. */
function maxBytesOf(topic: TopicRequest, partition: number): number {
  return topic.partitions.find((p) => p.partition === partition)?.maxBytes ?? 0x7fffffff;
}
