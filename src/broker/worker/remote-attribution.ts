/**
 * The worker's client attribution: the /proc resolver runs in the worker (it reads files),
 * and the last step, which process is which service instance, is asked of the main thread,
 * where system/ keeps that map (WorkerData's `attribution`).
 */
import type { ClientOwner, ClientResolver } from '../attribution/types.js';
import { ProcClientResolver } from '../attribution/proc-resolver.js';

type Instance = { service: string; instance: number };

/** Most pid -> process group entries remembered between a scan and the question to the host. */
const MAX_GROUPS = 1024;

export class RemoteAttribution {
  readonly #ask: (id: number, pid: number, pgid: number | undefined) => void;
  readonly #pending = new Map<number, (instance: Instance | undefined) => void>();
  readonly #groups = new Map<number, number | undefined>();
  readonly #proc: ProcClientResolver;
  #nextId = 0;

  /** `ask` posts the question (pid, its process group) to the host; answer() settles it. */
  constructor(ask: (id: number, pid: number, pgid: number | undefined) => void) {
    this.#ask = ask;
    // The /proc resolver asks its lookup synchronously; note the group and answer "unknown",
    // then ask the host (resolve() below) with what the scan found.
    this.#proc = new ProcClientResolver((pid, pgid) => {
      if (this.#groups.size >= MAX_GROUPS) this.#groups.clear();
      this.#groups.set(pid, pgid);
      return undefined;
    });
  }

  /** The ClientResolver the worker's EmbeddedBroker uses. */
  readonly resolver: ClientResolver = async (clientPort, brokerPort): Promise<ClientOwner | undefined> => {
    const owner = await this.#proc.resolve(clientPort, brokerPort);
    if (owner?.pid === undefined) return owner;
    const instance = await this.#lookup(owner.pid, this.#groups.get(owner.pid));
    return instance ? { pid: owner.pid, service: instance.service, instance: instance.instance } : owner;
  };

  /** The host's answer to question `id`. */
  answer(id: number, instance: Instance | null): void {
    const settle = this.#pending.get(id);
    this.#pending.delete(id);
    settle?.(instance ?? undefined);
  }

  /** Settles every open question with "unknown" (the broker stops). */
  close(): void {
    for (const settle of this.#pending.values()) settle(undefined);
    this.#pending.clear();
  }

  #lookup(pid: number, pgid: number | undefined): Promise<Instance | undefined> {
    const id = ++this.#nextId;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#ask(id, pid, pgid);
    });
  }
}
