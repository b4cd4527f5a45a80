/**
 * BrokerIntrospection of the broker in the worker thread: each call is a request message
 * answered by the worker's EmbeddedIntrospection. With no worker running (before start,
 * after stop or a crash) it reports an empty broker, as SwitchableIntrospection does.
 */
import type { BrokerIntrospection, GroupView, OpenTransactionView, RecordView, TopicView } from '../../core/contracts.js';
import type { IntrospectionQuery, IntrospectionResult } from './messages.js';

/** A view must not hang on a wedged worker. */
const ANSWER_TIMEOUT_MS = 10_000;

interface Pending {
  resolve(result: IntrospectionResult): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class WorkerIntrospection implements BrokerIntrospection {
  readonly #pending = new Map<number, Pending>();
  #post: ((id: number, query: IntrospectionQuery) => void) | null = null;
  #nextId = 0;

  /** Where requests go from now on (null: the worker is gone; open requests get empty answers). */
  connect(post: ((id: number, query: IntrospectionQuery) => void) | null): void {
    this.#post = post;
    if (post) return;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.resolve([]);
    }
  }

  /** The worker's answer to request `id`. */
  settle(id: number, result: IntrospectionResult | undefined, error: string | undefined): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (error !== undefined) pending.reject(new Error(`the embedded Kafka broker could not answer: ${error}`));
    else pending.resolve(result ?? []);
  }

  topics(): Promise<TopicView[]> {
    return this.#request({ op: 'topics' }) as Promise<TopicView[]>;
  }

  groups(): Promise<GroupView[]> {
    return this.#request({ op: 'groups' }) as Promise<GroupView[]>;
  }

  recentRecords(topic: string, partition: number, limit: number): Promise<RecordView[]> {
    return this.#request({ op: 'recentRecords', topic, partition, limit }) as Promise<RecordView[]>;
  }

  transactions(): Promise<OpenTransactionView[]> {
    return this.#request({ op: 'transactions' }) as Promise<OpenTransactionView[]>;
  }

  #request(query: IntrospectionQuery): Promise<IntrospectionResult> {
    const post = this.#post;
    if (!post) return Promise.resolve([]);
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the embedded Kafka broker did not answer ${query.op} within ${ANSWER_TIMEOUT_MS / 1000} s`));
      }, ANSWER_TIMEOUT_MS);
      timer.unref();
      this.#pending.set(id, { resolve, reject, timer });
      post(id, query);
    });
  }
}
