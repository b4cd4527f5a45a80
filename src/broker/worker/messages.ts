/**
 * The messages between WorkerBroker (main thread) and the broker's worker thread
 * (worker-main.ts). Everything here is plain, structured-cloneable data: no functions,
 * no class instances.
 */
import type { BrokerEvent } from '../../core/events/index.js';
import type { GroupView, OpenTransactionView, RecordView, TopicView } from '../../core/contracts.js';

/** What the worker builds its EmbeddedBroker from (EmbeddedBrokerOptions minus the functions). */
export interface WorkerBrokerSettings {
  host: string;
  /** the first port to try; 0 = any free port */
  port: number;
  /** how many ports after `port` to try when it is busy (0: only `port`) */
  portProbes: number;
  dataDir: string | null;
  autoCreateTopics?: boolean;
  defaultPartitions?: number;
  topics?: { name: string; partitions: number; configs?: Record<string, string> }[];
  topicDefaults?: Record<string, string>;
  retentionBytes?: number;
  retentionMs?: number;
  maxRequestBytes?: number;
  maxMessageBytes?: number;
  initialRebalanceDelayMs?: number;
  /** the host has a BrokerFaultState: the worker mirrors it (see remote-faults.ts) */
  faults: boolean;
  /** the host has a pid -> instance lookup: the worker attributes clients through /proc */
  attribution: boolean;
}

/** workerData of the broker's worker thread. */
export interface WorkerData {
  settings: WorkerBrokerSettings;
  /**
   * Where the host answers the fault questions the worker asks synchronously (see
   * remote-faults.ts): two int32, the id of the question last answered and its answer.
   */
  faultAnswer: SharedArrayBuffer;
  /** the host's fault state when the worker was started (a broker down from the start) */
  faultSnapshot: FaultSnapshot | null;
}

/** An introspection question and its answer type. */
export type IntrospectionQuery =
  | { op: 'topics' }
  | { op: 'groups' }
  | { op: 'recentRecords'; topic: string; partition: number; limit: number }
  | { op: 'transactions' };

export type IntrospectionResult = TopicView[] | GroupView[] | RecordView[] | OpenTransactionView[];

/** A snapshot of the host's fault state's cheap part; the rest is asked (remote-faults.ts). */
export interface FaultSnapshot {
  down: boolean;
  /** which kinds of rule exist: the worker asks the host only about those */
  active: { produceErrors: boolean; deliveryDelays: boolean; pausedGroups: boolean };
  /** bumped on every change: cached answers of an older generation are dropped */
  generation: number;
}

/** Host -> worker. */
export type ToWorker =
  | { type: 'introspect'; id: number; query: IntrospectionQuery }
  | { type: 'faults'; snapshot: FaultSnapshot }
  | { type: 'instance'; id: number; instance: { service: string; instance: number } | null }
  | { type: 'stop' }
  /** tests only: throw an uncaught error in the worker, as a bug would */
  | { type: 'crash' };

/** A fault question that needs the host's fault state itself (see remote-faults.ts). */
export type FaultQuestion =
  | { q: 'produceError'; topic: string }
  | { q: 'deliveryDelayMs'; topic: string }
  | { q: 'groupPaused'; group: string };

/** Worker -> host. */
export type FromWorker =
  | { type: 'started'; port: number; bootstrap: string }
  | { type: 'start-failed'; message: string; code: string | undefined; port: number }
  | { type: 'events'; events: BrokerEvent[] }
  | { type: 'introspected'; id: number; result?: IntrospectionResult; error?: string }
  | { type: 'fault-question'; id: number; question: FaultQuestion }
  | { type: 'instance-of'; id: number; pid: number; pgid: number | undefined }
  | { type: 'stopped' };
