/**
 * Metadata (key 3), v0-12; flexible from v9.
 *
 * One broker (this one, at its advertised host and bound port), which is also the
 * controller, the leader of every partition and the only replica. Topic ids from v10.
 * Topic list: v0 empty = all topics; v1+ null = all, empty = none. Missing topics are
 * auto-created when the broker allows it and the request does (v0-3 always ask), and
 * returned at once (no LEADER_NOT_AVAILABLE round trip as real Kafka does). Lookup by
 * topic id alone (v10+ with a null name) is answered by id. Authorized operations are
 * answered as "not requested" (-2147483648).
 */
import type { ApiHandler, RequestContext } from './api.js';
import type { TopicInfo } from '../log/contract.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { resolveTopicForWrite } from './topic-lookup.js';

const NO_OPERATIONS = -2147483648;

interface TopicAnswer {
  error: number;
  name: string | null;
  info: TopicInfo | undefined;
}

export const metadata: ApiHandler = {
  key: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  firstFlexibleVersion: 9,
  handle(req, version, ctx) {
    const flex = version >= 9;
    const requested = req.nullableArr(flex, (r) => {
      const id = version >= 10 ? r.uuid() : null;
      const name = version >= 10 ? r.nullableStr(flex) : r.str(flex);
      r.tags(flex);
      return { id, name };
    });
    const allowAuto = version >= 4 ? req.bool() : true;
    if (version >= 8 && version <= 10) req.bool(); // include_cluster_authorized_operations
    if (version >= 8) req.bool(); // include_topic_authorized_operations
    req.tags(flex);

    const store = ctx.broker.store;
    const all = requested === null || (version === 0 && requested.length === 0);
    const answers: TopicAnswer[] = all
      ? store.topics().map((info) => ({ error: ErrorCode.NONE, name: info.name, info }))
      : requested.map(({ id, name }) => answerOne(ctx, id, name, allowAuto));
    return write(version, flex, ctx, answers);
  },
};

function answerOne(ctx: RequestContext, id: Buffer | null, name: string | null, allowAuto: boolean): TopicAnswer {
  if (name === null) {
    const info = id ? ctx.broker.store.topicById(id) : undefined;
    return { error: info ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_ID, name: info?.name ?? null, info };
  }
  const { error, info } = resolveTopicForWrite(ctx, name, allowAuto);
  return { error, name, info };
}

function write(version: number, flex: boolean, ctx: RequestContext, topics: TopicAnswer[]): Writer {
  const b = ctx.broker;
  const w = new Writer(256 + topics.length * 64);
  if (version >= 3) w.int32(0); // throttle_time_ms
  w.arr(flex, [b], (w, broker) => {
    w.int32(broker.nodeId).str(flex, broker.host).int32(broker.port);
    if (version >= 1) w.nullableStr(flex, null); // rack
    w.tags(flex);
  });
  if (version >= 2) w.nullableStr(flex, b.clusterId);
  if (version >= 1) w.int32(b.nodeId); // controller_id
  const replicas = [b.nodeId];
  w.arr(flex, topics, (w, t) => {
    w.int16(t.error);
    if (version >= 12) w.nullableStr(flex, t.name);
    else w.str(flex, t.name ?? '');
    if (version >= 10) w.uuid(t.info?.id ?? null);
    if (version >= 1) w.bool(false); // is_internal
    const partitions = t.info ? range(t.info.partitions) : [];
    w.arr(flex, partitions, (w, p) => {
      w.int16(ErrorCode.NONE).int32(p).int32(b.nodeId);
      if (version >= 7) w.int32(0); // leader_epoch
      w.arr(flex, replicas, int32);
      w.arr(flex, replicas, int32); // isr
      if (version >= 5) w.arr(flex, [], int32); // offline replicas
      w.tags(flex);
    });
    if (version >= 8) w.int32(NO_OPERATIONS);
    w.tags(flex);
  });
  if (version >= 8 && version <= 10) w.int32(NO_OPERATIONS);
  return w.tags(flex);
}

function int32(w: Writer, v: number): void {
  w.int32(v);
}

function range(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
