import { describe, expect, it } from 'vitest';
import { startTestBroker } from '../../helpers/broker.js';
import { WireClient } from './wire-client.js';

const F = true; // flexible encodings throughout the max-version test
const topicAssignment = Buffer.from([0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]); // v0, [t: [0]], no user data

describe('group APIs at their flexible (highest) versions, on the wire', () => {
  it('FindCoordinator v0, v3 and v4 (batched) answer this broker', async () => {
    const { broker, bootstrap } = await startTestBroker();
    const c = await WireClient.open(bootstrap);
    const v0 = await c.request(10, 0, false, (w) => w.string('g'));
    expect([v0.int16(), v0.int32(), v0.string(), v0.int32()]).toEqual([0, 1, '127.0.0.1', broker.port]);
    const v3 = await c.request(10, 3, F, (w) => w.compactString('g').int8(0).tags(F));
    expect([v3.int32(), v3.int16(), v3.compactNullableString(), v3.int32(), v3.compactString(), v3.int32()]).toEqual([0, 0, null, 1, '127.0.0.1', broker.port]);
    const v4 = await c.request(10, 4, F, (w) => w.int8(0).compactArray(['a', 'b'], (w, k) => w.compactString(k)).tags(F));
    v4.int32();
    const coordinators = v4.compactArray((r) => {
      const entry = [r.compactString(), r.int32(), r.compactString(), r.int32(), r.int16(), r.compactNullableString()];
      r.tags(F);
      return entry;
    });
    expect(coordinators).toEqual([
      ['a', 1, '127.0.0.1', broker.port, 0, null],
      ['b', 1, '127.0.0.1', broker.port, 0, null],
    ]);
    const bad = await c.request(10, 4, F, (w) => w.int8(7).compactArray(['a'], (w, k) => w.compactString(k)).tags(F));
    bad.int32();
    bad.uvarint();
    bad.compactString();
    bad.int32();
    bad.compactString();
    bad.int32();
    expect(bad.int16()).toBe(42); // INVALID_REQUEST for an unknown key type
  });

  it('join, sync, heartbeat, commit, fetch, describe, list, leave, delete', async () => {
    const { broker, bootstrap } = await startTestBroker({ topics: [{ name: 't', partitions: 1 }] });
    const c = await WireClient.open(bootstrap);
    const join = (memberId: string) =>
      c.request(11, 9, F, (w) => {
        w.compactString('g').int32(6000).int32(6000).compactString(memberId).compactNullableString(null).compactString('consumer');
        w.compactArray([{ name: 'range', metadata: Buffer.from('sub') }], (w, p) => w.compactString(p.name).compactBytes(p.metadata).tags(F));
        w.compactNullableString('because').tags(F);
      });
    const readJoin = (r: Awaited<ReturnType<typeof join>>) => {
      r.int32();
      const head = { error: r.int16(), generation: r.int32(), type: r.compactNullableString(), protocol: r.compactNullableString(), leader: r.compactString(), skip: r.bool(), memberId: r.compactString() };
      const members = r.compactArray((m) => {
        const entry = { memberId: m.compactString(), instance: m.compactNullableString(), metadata: m.compactBytes().toString() };
        m.tags(F);
        return entry;
      });
      return { ...head, members };
    };

    const first = readJoin(await join(''));
    expect(first.error).toBe(79);
    const joined = readJoin(await join(first.memberId));
    const id = first.memberId;
    expect(joined).toEqual({ error: 0, generation: 1, type: 'consumer', protocol: 'range', leader: id, skip: false, memberId: id, members: [{ memberId: id, instance: null, metadata: 'sub' }] });

    const sync = await c.request(14, 5, F, (w) => {
      w.compactString('g').int32(1).compactString(id).compactNullableString(null).compactNullableString('consumer').compactNullableString('range');
      w.compactArray([id], (w, m) => w.compactString(m).compactBytes(topicAssignment).tags(F)).tags(F);
    });
    sync.int32();
    expect([sync.int16(), sync.compactNullableString(), sync.compactNullableString(), sync.compactBytes()]).toEqual([0, 'consumer', 'range', topicAssignment]);

    const hb = await c.request(12, 4, F, (w) => w.compactString('g').int32(1).compactString(id).compactNullableString(null).tags(F));
    hb.int32();
    expect(hb.int16()).toBe(0);

    const commit = await c.request(8, 9, F, (w) => {
      w.compactString('g').int32(1).compactString(id).compactNullableString(null);
      w.compactArray(['t'], (w, t) => {
        w.compactString(t).compactArray([0], (w, p) => w.int32(p).int64(7n).int32(2).compactNullableString('note').tags(F)).tags(F);
      }).tags(F);
    });
    commit.int32();
    expect(commit.compactArray((t) => [t.compactString(), t.compactArray((p) => [p.int32(), p.int16(), p.tags(F)][1]), t.tags(F)][1])).toEqual([[0]]);

    // v9: groups layout; v7: one group, null topics = everything committed
    const fetch9 = await c.request(9, 9, F, (w) => {
      w.compactArray(['g', 'other'], (w, g) => {
        w.compactString(g).compactNullableString(null).int32(-1).compactArray([{ name: 't', partitions: [0] }], (w, t) => w.compactString(t.name).compactArray(t.partitions, (w, p) => w.int32(p)).tags(F)).tags(F);
      });
      w.bool(false).tags(F);
    });
    fetch9.int32();
    const groups = fetch9.compactArray((g) => {
      const groupId = g.compactString();
      const parts = g.compactArray((t) => {
        const name = t.compactString();
        const ps = t.compactArray((p) => {
          const e = [name, p.int32(), p.int64(), p.int32(), p.compactNullableString(), p.int16()];
          p.tags(F);
          return e;
        });
        t.tags(F);
        return ps;
      });
      const error = g.int16();
      g.tags(F);
      return [groupId, parts.flat(), error];
    });
    expect(groups).toEqual([
      ['g', [['t', 0, 7n, 2, 'note', 0]], 0],
      ['other', [['t', 0, -1n, -1, '', 0]], 0],
    ]);
    const fetch7 = await c.request(9, 7, F, (w) => w.compactString('g').compactArray(null, () => {}).bool(false).tags(F));
    fetch7.int32();
    const all = fetch7.compactArray((t) => {
      const name = t.compactString();
      const ps = t.compactArray((p) => {
        const e = [name, p.int32(), p.int64(), p.int32(), p.compactNullableString(), p.int16()];
        p.tags(F);
        return e;
      });
      t.tags(F);
      return ps;
    });
    expect([all.flat(), fetch7.int16()]).toEqual([[['t', 0, 7n, 2, 'note', 0]], 0]);

    const describe5 = await c.request(15, 5, F, (w) => w.compactArray(['g'], (w, g) => w.compactString(g)).bool(false).tags(F));
    describe5.int32();
    const described = describe5.compactArray((g) => {
      const head = [g.int16(), g.compactString(), g.compactString(), g.compactString(), g.compactString()];
      const members = g.compactArray((m) => {
        const e = [m.compactString(), m.compactNullableString(), m.compactString(), m.compactString(), m.compactBytes().toString(), m.compactBytes()];
        m.tags(F);
        return e;
      });
      const ops = g.int32();
      g.tags(F);
      return [...head, members, ops];
    });
    expect(described).toEqual([[0, 'g', 'Stable', 'consumer', 'range', [[id, null, 'wire-test', '/127.0.0.1', 'sub', topicAssignment]], -2147483648]]);
    expect(broker.groups.snapshot()[0]?.members[0]?.assignments).toEqual([{ topic: 't', partitions: [0] }]);

    const list4 = await c.request(16, 4, F, (w) => w.compactArray(['STABLE'], (w, s) => w.compactString(s)).tags(F));
    list4.int32();
    list4.int16();
    expect(list4.compactArray((g) => [g.compactString(), g.compactString(), g.compactString(), g.tags(F)].slice(0, 3))).toEqual([['g', 'consumer', 'Stable']]);

    const leave = await c.request(13, 5, F, (w) => {
      w.compactString('g').compactArray([id, 'nobody'], (w, m) => w.compactString(m).compactNullableString(null).compactNullableString('bye').tags(F)).tags(F);
    });
    leave.int32();
    expect(leave.int16()).toBe(0);
    expect(leave.compactArray((m) => [m.compactString(), m.compactNullableString(), m.int16(), m.tags(F)].slice(0, 3))).toEqual([
      [id, null, 0],
      ['nobody', null, 25],
    ]);

    const del = await c.request(42, 2, F, (w) => w.compactArray(['g', 'nope'], (w, g) => w.compactString(g)).tags(F));
    del.int32();
    expect(del.compactArray((r) => [r.compactString(), r.int16(), r.tags(F)].slice(0, 2))).toEqual([
      ['g', 0],
      ['nope', 69],
    ]);
  });

  it('JoinGroup v0 (no rebalance timeout) and LeaveGroup v0 (single member) in the classic encoding', async () => {
    const { bootstrap } = await startTestBroker();
    const c = await WireClient.open(bootstrap);
    const r = await c.request(11, 0, false, (w) => {
      w.string('g0').int32(6000).string('').string('consumer');
      w.array([{ name: 'range', metadata: Buffer.from('m') }], (w, p) => w.string(p.name).bytes(p.metadata));
    });
    const [error, generation, protocol, leader, memberId] = [r.int16(), r.int32(), r.string(), r.string(), r.string()];
    expect([error, generation, protocol, leader === memberId]).toEqual([0, 1, 'range', true]);
    const leave = await c.request(13, 0, false, (w) => w.string('g0').string(memberId));
    expect(leave.int16()).toBe(0);
    const again = await c.request(13, 0, false, (w) => w.string('g0').string(memberId));
    expect(again.int16()).toBe(25);
  });
});
