import { describe, expect, it, onTestFinished } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { startTestBroker } from '../../helpers/broker.js';
import { describeKcat, kcat } from '../../helpers/kcat.js';
import { itWith } from '../../helpers/tools.js';
import { waitFor } from '../../helpers/processes.js';
import type { EmbeddedBroker } from '../../../src/broker/embedded.js';

const itKcat = itWith('kcat');

const TOPIC = 'events';
// librdkafka accepts short group timeouts; the broker does too, so eviction takes seconds.
// `-o beginning` would make kcat override the committed offsets in -G mode, so a fresh
// group starts from the beginning through auto.offset.reset instead.
const FAST_GROUP = [
  ...['-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=300', '-X', 'fetch.wait.max.ms=100'],
  ...['-X', 'auto.offset.reset=earliest', '-q', '-u'],
];

async function produce(bootstrap: string, count: number, from = 0): Promise<void> {
  const lines = Array.from({ length: count }, (_, i) => `k${from + i}:v${from + i}`).join('\n');
  const r = await kcat(bootstrap, ['-P', '-t', TOPIC, '-K', ':'], `${lines}\n`);
  if (r.exitCode !== 0) throw new Error(describeKcat(r));
}

/** A long-running balanced kcat consumer (SIGKILLed after the test) and what it printed so far. */
function kcatConsumer(bootstrap: string, group: string): { child: ResultPromise<{ reject: false; buffer: false }>; output: () => string } {
  const child = execa('kcat', ['-b', bootstrap, '-G', group, ...FAST_GROUP, TOPIC], { reject: false, buffer: false });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  onTestFinished(async () => {
    child.kill('SIGKILL');
    await child;
  });
  return { child, output: () => output };
}

function membersWithPartitions(broker: EmbeddedBroker, group: string): number[][] | undefined {
  const g = broker.groups.snapshot().find((s) => s.groupId === group);
  if (g?.state !== 'Stable') return undefined;
  return g.members.map((m) => m.assignments.flatMap((a) => a.partitions).sort());
}

describe('librdkafka 2.0.2 (kcat) balanced consumers against the embedded broker', () => {
  itKcat('a kcat group consumer joins, consumes everything and commits what it consumed', async () => {
    const { broker, bootstrap, events } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 4 }] });
    await produce(bootstrap, 20);
    const r = await kcat(bootstrap, ['-G', 'kg', ...FAST_GROUP, '-c', '20', TOPIC]);
    expect(r.exitCode, describeKcat(r)).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`).sort());
    expect(events).toContainEqual(expect.objectContaining({ type: 'broker.group.rebalanced', group: 'kg', generation: 1 }));
    // the close commits the consumed positions (OffsetCommit v7) and leaves (LeaveGroup v1)
    let committed = 0n;
    for (const [, partitions] of broker.store.committedOffsets('kg')) for (const [, c] of partitions) committed += c.offset;
    expect(committed).toBe(20n);
    expect(events).toContainEqual(expect.objectContaining({ type: 'broker.group.member.left', group: 'kg', reason: 'leave' }));

    // a second run resumes from the commits (OffsetFetch v5+): only the new messages
    await produce(bootstrap, 4, 20);
    const again = await kcat(bootstrap, ['-G', 'kg', ...FAST_GROUP, '-c', '4', TOPIC]);
    expect(again.exitCode, describeKcat(again)).toBe(0);
    expect(again.stdout.trim().split('\n').sort()).toEqual(['v20', 'v21', 'v22', 'v23']);
  });

  itKcat('a member killed with SIGKILL is evicted after its session timeout and the survivor takes every partition', async () => {
    const { broker, bootstrap, events } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 4 }] });
    const survivor = kcatConsumer(bootstrap, 'kill-g');
    const victim = kcatConsumer(bootstrap, 'kill-g');
    let split: number[][] | undefined;
    await waitFor(() => (split = membersWithPartitions(broker, 'kill-g'))?.length === 2, 'two kcat members sharing the partitions', 30_000);
    expect(split?.map((p) => p.length)).toEqual([2, 2]);

    victim.child.kill('SIGKILL');
    await waitFor(
      () => events.some((e) => e.type === 'broker.group.member.left' && e.group === 'kill-g' && e.reason === 'session-timeout'),
      'the killed member to be evicted',
      30_000,
    );
    await waitFor(() => membersWithPartitions(broker, 'kill-g')?.[0]?.length === 4, 'the survivor to own all 4 partitions', 30_000);
    expect(membersWithPartitions(broker, 'kill-g')).toEqual([[0, 1, 2, 3]]);

    // and it consumes what is produced now, from every partition
    await produce(bootstrap, 8, 100);
    const fresh = () => survivor.output().split('\n').filter((v) => /^v10\d$/.test(v));
    await waitFor(() => fresh().length === 8, 'the survivor to print the 8 new messages', 30_000);
    expect(fresh().sort()).toEqual(['v100', 'v101', 'v102', 'v103', 'v104', 'v105', 'v106', 'v107']);
  });
});
