/**
 * The broker's worker thread: runs an EmbeddedBroker with its own isolate and heap, so the
 * garbage of heavy Kafka traffic (megabyte batches) is collected here and never pauses the
 * main thread (gateway, mesh, UI). Started by WorkerBroker (worker-broker.ts), which it
 * talks to only through the messages in messages.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EmbeddedBroker } from '../embedded.js';
import { EmbeddedIntrospection } from '../introspection.js';
import { EventBatcher } from './event-batcher.js';
import { RemoteAttribution } from './remote-attribution.js';
import { RemoteFaultState } from './remote-faults.js';
import type { FromWorker, IntrospectionQuery, IntrospectionResult, ToWorker, WorkerData } from './messages.js';

if (!parentPort) throw new Error('worker-main.ts runs as a worker thread (see worker-broker.ts)');
const port = parentPort;
const { settings, faultAnswer, faultSnapshot } = workerData as WorkerData;
const post = (message: FromWorker): void => port.postMessage(message);

const events = new EventBatcher((batch) => post({ type: 'events', events: batch }));
const faults = settings.faults ? new RemoteFaultState(faultAnswer, (id, question) => post({ type: 'fault-question', id, question })) : undefined;
if (faults && faultSnapshot) faults.apply(faultSnapshot);
const attribution = settings.attribution ? new RemoteAttribution((id, pid, pgid) => post({ type: 'instance-of', id, pid, pgid })) : undefined;

let broker: EmbeddedBroker | undefined;
let introspection: EmbeddedIntrospection | undefined;
let stopping: Promise<void> | undefined;

function create(listenPort: number): EmbeddedBroker {
  return new EmbeddedBroker({
    host: settings.host,
    port: listenPort,
    dataDir: settings.dataDir,
    ...(settings.autoCreateTopics !== undefined ? { autoCreateTopics: settings.autoCreateTopics } : {}),
    ...(settings.defaultPartitions !== undefined ? { defaultPartitions: settings.defaultPartitions } : {}),
    ...(settings.topics ? { topics: settings.topics } : {}),
    ...(settings.topicDefaults ? { topicDefaults: settings.topicDefaults } : {}),
    ...(settings.retentionBytes !== undefined ? { retentionBytes: settings.retentionBytes } : {}),
    ...(settings.retentionMs !== undefined ? { retentionMs: settings.retentionMs } : {}),
    ...(settings.maxRequestBytes !== undefined ? { maxRequestBytes: settings.maxRequestBytes } : {}),
    ...(settings.maxMessageBytes !== undefined ? { maxMessageBytes: settings.maxMessageBytes } : {}),
    ...(settings.initialRebalanceDelayMs !== undefined ? { initialRebalanceDelayMs: settings.initialRebalanceDelayMs } : {}),
    ...(faults ? { faults } : {}),
    ...(attribution ? { resolveClient: attribution.resolver } : {}),
    publish: (event) => events.push(event),
  });
}

/** Listens on the first free port of settings.port .. port + portProbes (just `port` when 0). */
async function start(): Promise<void> {
  let listenPort = settings.port;
  for (let attempt = 0; ; attempt++) {
    const candidate = create(listenPort);
    broker = candidate;
    try {
      await candidate.start();
      if (stopping) return;
      introspection = new EmbeddedIntrospection(candidate);
      events.flush();
      post({ type: 'started', port: candidate.port, bootstrap: candidate.bootstrap });
      return;
    } catch (error) {
      await candidate.stop().catch(() => {});
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      const busy = code === 'EADDRINUSE' || /EADDRINUSE/.test(String((error as Error | undefined)?.message));
      if (!stopping && busy && settings.port !== 0 && attempt < settings.portProbes) {
        listenPort += 1;
        continue;
      }
      events.flush();
      post({ type: 'start-failed', message: error instanceof Error ? error.message : String(error), code: busy ? 'EADDRINUSE' : code, port: listenPort });
      return;
    }
  }
}

async function answer(query: IntrospectionQuery): Promise<IntrospectionResult> {
  if (!introspection) return [];
  switch (query.op) {
    case 'topics':
      return introspection.topics();
    case 'groups':
      return introspection.groups();
    case 'recentRecords':
      return introspection.recentRecords(query.topic, query.partition, query.limit);
    case 'transactions':
      return introspection.transactions();
  }
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    try {
      await broker?.stop();
    } finally {
      attribution?.close();
      events.flush();
      post({ type: 'stopped' });
      // nothing else is open: closing the port lets the thread end by itself
      port.close();
    }
  })();
  return stopping;
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'introspect':
      answer(message.query).then(
        (result) => post({ type: 'introspected', id: message.id, result }),
        (error: unknown) => post({ type: 'introspected', id: message.id, error: error instanceof Error ? error.message : String(error) }),
      );
      break;
    case 'faults':
      faults?.apply(message.snapshot);
      break;
    case 'instance':
      attribution?.answer(message.id, message.instance);
      break;
    case 'stop':
      void stop();
      break;
    case 'crash':
      setImmediate(() => {
        throw new Error('the broker worker was told to crash (a test)');
      });
      break;
  }
});

void start();
