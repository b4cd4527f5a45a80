/**
 * Committed consumer offsets per (group, topic, partition), each group's protocol type
 * (so a restarted broker lists an idle group as Kafka does), and each transactional id's
 * producer id and epoch (so a restarted producer is bumped, and an older one fenced, as
 * Kafka's __transaction_state does). In memory, or persisted as an
 * append-only journal of JSON lines (`offsets.jsonl`, one commit or deletion a line),
 * replayed and compacted on open. A torn last line (devmode killed mid-write) is skipped.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { CommittedOffset, TransactionalIdRecord } from './contract.js';

type Entry =
  | { k: 'c'; g: string; t: string; p: number; o: string; e: number; m: string | null; ts: number }
  | { k: 'dg'; g: string }
  | { k: 'dt'; t: string }
  /** one partition's offset deleted (OffsetDelete) */
  | { k: 'dp'; g: string; t: string; p: number }
  /** a group's protocol type ("consumer", "connect", ...) */
  | { k: 'gt'; g: string; pt: string }
  /** a transactional id's producer id (decimal), epoch and timeout */
  | { k: 'ti'; id: string; pid: string; e: number; to: number };

/** Past this many journal lines, and four times the live entries, the journal is rewritten. */
const COMPACT_MIN_LINES = 10_000;

export class OffsetStore {
  readonly #groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  readonly #protocolTypes = new Map<string, string>();
  readonly #transactionalIds = new Map<string, TransactionalIdRecord>();
  readonly #path: string | null;
  #fd: number | null = null;
  #lines = 0;
  #live = 0;

  /** `path`: the journal file, or null to keep offsets in memory only. */
  constructor(path: string | null) {
    this.#path = path;
  }

  /** Replays and compacts the journal, then opens it for appending. */
  open(): void {
    if (this.#path === null || this.#fd !== null) return;
    if (existsSync(this.#path)) {
      for (const line of readFileSync(this.#path, 'utf8').split('\n')) {
        if (line.length === 0) continue;
        let entry: Entry;
        try {
          entry = JSON.parse(line) as Entry;
        } catch {
          continue; // a torn line: the commit it held was never acknowledged as durable
        }
        this.#apply(entry);
      }
    }
    this.#compact();
  }

  close(): void {
    if (this.#fd === null) return;
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#fd = null;
  }

  commit(group: string, topic: string, partition: number, value: CommittedOffset): void {
    const entry: Entry = {
      k: 'c',
      g: group,
      t: topic,
      p: partition,
      o: value.offset.toString(),
      e: value.leaderEpoch,
      m: value.metadata,
      ts: value.commitTimestamp,
    };
    this.#apply(entry);
    this.#write(entry);
  }

  /** Forgets one partition's committed offset (OffsetDelete); false when there was none. */
  deletePartition(group: string, topic: string, partition: number): boolean {
    if (!this.#groups.get(group)?.get(topic)?.has(partition)) return false;
    const entry: Entry = { k: 'dp', g: group, t: topic, p: partition };
    this.#apply(entry);
    this.#write(entry);
    return true;
  }

  protocolType(group: string): string | undefined {
    return this.#protocolTypes.get(group);
  }

  /** Remembers a group's protocol type (written only when it changes). */
  setProtocolType(group: string, protocolType: string): void {
    if (this.#protocolTypes.get(group) === protocolType) return;
    const entry: Entry = { k: 'gt', g: group, pt: protocolType };
    this.#apply(entry);
    this.#write(entry);
  }

  transactionalIds(): ReadonlyMap<string, TransactionalIdRecord> {
    return this.#transactionalIds;
  }

  setTransactionalId(transactionalId: string, r: TransactionalIdRecord): void {
    const entry: Entry = { k: 'ti', id: transactionalId, pid: r.producerId.toString(), e: r.epoch, to: r.timeoutMs };
    this.#apply(entry);
    this.#write(entry);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.#groups.get(group)?.get(topic)?.get(partition);
  }

  byGroup(group: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.#groups.get(group) ?? new Map();
  }

  deleteGroup(group: string): void {
    if (!this.#groups.has(group)) return;
    const entry: Entry = { k: 'dg', g: group };
    this.#apply(entry);
    this.#write(entry);
  }

  /** Forgets every group's offsets for a deleted topic. */
  deleteTopic(topic: string): void {
    let any = false;
    for (const topics of this.#groups.values()) any ||= topics.has(topic);
    if (!any) return;
    const entry: Entry = { k: 'dt', t: topic };
    this.#apply(entry);
    this.#write(entry);
  }

  groups(): string[] {
    return [...this.#groups.keys()];
  }

  #apply(entry: Entry): void {
    switch (entry.k) {
      case 'c': {
        let topics = this.#groups.get(entry.g);
        if (!topics) this.#groups.set(entry.g, (topics = new Map()));
        let parts = topics.get(entry.t);
        if (!parts) topics.set(entry.t, (parts = new Map()));
        if (!parts.has(entry.p)) this.#live++;
        parts.set(entry.p, { offset: BigInt(entry.o), leaderEpoch: entry.e, metadata: entry.m, commitTimestamp: entry.ts });
        return;
      }
      case 'dg': {
        for (const parts of this.#groups.get(entry.g)?.values() ?? []) this.#live -= parts.size;
        this.#groups.delete(entry.g);
        this.#protocolTypes.delete(entry.g);
        return;
      }
      case 'dp': {
        const topics = this.#groups.get(entry.g);
        const parts = topics?.get(entry.t);
        if (!topics || !parts?.delete(entry.p)) return;
        this.#live--;
        if (parts.size === 0) topics.delete(entry.t);
        if (topics.size === 0) this.#groups.delete(entry.g);
        return;
      }
      case 'gt':
        this.#protocolTypes.set(entry.g, entry.pt);
        return;
      case 'ti':
        if (!this.#transactionalIds.has(entry.id)) this.#live++;
        this.#transactionalIds.set(entry.id, { producerId: BigInt(entry.pid), epoch: entry.e, timeoutMs: entry.to });
        return;
      case 'dt': {
        for (const [group, topics] of this.#groups) {
          this.#live -= topics.get(entry.t)?.size ?? 0;
          topics.delete(entry.t);
          if (topics.size === 0) this.#groups.delete(group);
        }
        return;
      }
    }
  }

  #write(entry: Entry): void {
    if (this.#fd === null) return;
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    if (++this.#lines > COMPACT_MIN_LINES && this.#lines > 4 * this.#live) this.#compact();
  }

  /** Rewrites the journal as the current state (to a temporary file, then renamed over). */
  #compact(): void {
    if (this.#path === null) return;
    if (this.#fd !== null) closeSync(this.#fd);
    const tmp = `${this.#path}.tmp`;
    const fd = openSync(tmp, 'w');
    const lines: string[] = [];
    for (const [g, topics] of this.#groups) {
      for (const [t, parts] of topics) {
        for (const [p, v] of parts) {
          const entry: Entry = { k: 'c', g, t, p, o: v.offset.toString(), e: v.leaderEpoch, m: v.metadata, ts: v.commitTimestamp };
          lines.push(JSON.stringify(entry));
        }
      }
    }
    for (const [g, pt] of this.#protocolTypes) lines.push(JSON.stringify({ k: 'gt', g, pt } satisfies Entry));
    for (const [id, r] of this.#transactionalIds) lines.push(JSON.stringify({ k: 'ti', id, pid: r.producerId.toString(), e: r.epoch, to: r.timeoutMs } satisfies Entry));
    if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.#path);
    this.#fd = openSync(this.#path, 'a');
    this.#lines = lines.length;
  }
}
