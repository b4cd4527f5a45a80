/**
 * A ClientResolver for clients on this machine: the client's socket inode from
 * /proc/net/tcp*, the process holding it from /proc/PID/fd, and the service instance from
 * the pid and its process group through a lookup system/ provides.
 *
 * Lookups asked at about the same time share one scan of /proc. Processes that owned a
 * connection before are searched first (a service opens several connections), so the
 * full scan of every process runs only for a client not seen yet.
 */
import type { ClientOwner, InstanceOfProcess } from './types.js';
import { socketInodes } from './proc-sockets.js';
import { allPids, processGroupOf, socketOwners } from './proc-owners.js';

interface Pending {
  clientPort: number;
  brokerPort: number;
  resolve: (owner: ClientOwner | undefined) => void;
}

/** Recent owner pids kept as hints (bounded). */
const MAX_HINTS = 64;

export class ProcClientResolver {
  readonly #instanceOf: InstanceOfProcess;
  #pending: Pending[] = [];
  #running = false;
  readonly #hints: number[] = [];

  constructor(instanceOf: InstanceOfProcess) {
    this.#instanceOf = instanceOf;
  }

  /** The owner of the client end of a connection; undefined when it cannot be found. Never rejects. */
  resolve(clientPort: number, brokerPort: number): Promise<ClientOwner | undefined> {
    return new Promise((resolve) => {
      this.#pending.push({ clientPort, brokerPort, resolve });
      if (!this.#running) {
        this.#running = true;
        // let the other connections of the same burst join this scan
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      let owners: (ClientOwner | undefined)[];
      try {
        owners = await this.#scan(batch);
      } catch {
        owners = [];
      }
      batch.forEach((p, i) => p.resolve(owners[i]));
    }
    this.#running = false;
  }

  async #scan(batch: readonly Pending[]): Promise<(ClientOwner | undefined)[]> {
    const inodes = await socketInodes(batch.map((p) => ({ localPort: p.clientPort, remotePort: p.brokerPort })));
    const inodeOf = batch.map((p) => inodes.get(`${p.clientPort}:${p.brokerPort}`));
    const wanted = new Set(inodeOf.filter((i): i is number => i !== undefined));
    if (wanted.size === 0) return [];
    const owners = await socketOwners(wanted, this.#hints);
    if (owners.size < wanted.size) {
      const rest = new Set([...wanted].filter((i) => !owners.has(i)));
      for (const [inode, pid] of await socketOwners(rest, await allPids())) owners.set(inode, pid);
    }
    const result: (ClientOwner | undefined)[] = [];
    for (const inode of inodeOf) {
      const pid = inode === undefined ? undefined : owners.get(inode);
      if (pid === undefined) {
        result.push(undefined);
        continue;
      }
      this.#hint(pid);
      const instance = this.#instanceOf(pid, await processGroupOf(pid));
      result.push(instance ? { pid, service: instance.service, instance: instance.instance } : { pid });
    }
    return result;
  }

  #hint(pid: number): void {
    const at = this.#hints.indexOf(pid);
    if (at >= 0) this.#hints.splice(at, 1);
    this.#hints.unshift(pid);
    if (this.#hints.length > MAX_HINTS) this.#hints.pop();
  }
}
