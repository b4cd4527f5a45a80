/**
 * A bare Kafka wire client for tests: sends hand-built frames, reads size-prefixed responses,
 * and notices when the broker closes the connection.
 */
import { connect, type Socket } from 'node:net';
import { Writer } from '../../../src/broker/protocol/writer.js';

export class RawClient {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  #buf = Buffer.alloc(0);
  #waiters: ((frame: Buffer | null) => void)[] = [];
  #frames: Buffer[] = [];
  #isClosed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      while (this.#buf.length >= 4) {
        const size = this.#buf.readInt32BE(0);
        if (this.#buf.length < 4 + size) break;
        const frame = this.#buf.subarray(4, 4 + size);
        this.#buf = this.#buf.subarray(4 + size);
        const w = this.#waiters.shift();
        if (w) w(frame);
        else this.#frames.push(frame);
      }
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.#isClosed = true;
        for (const w of this.#waiters.splice(0)) w(null);
        resolve();
      }),
    );
  }

  static async connect(bootstrap: string): Promise<RawClient> {
    const [host, port] = bootstrap.split(':');
    const socket = connect({ host: host!, port: Number(port) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Writes raw bytes as they are. */
  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** A framed request with header v1 (or v2 when `flexibleHeader`), body as given. */
  static frame(key: number, version: number, correlationId: number, body: Buffer, flexibleHeader = false, clientId = 'raw-test'): Buffer {
    const w = new Writer();
    const len = w.reserveInt32();
    w.int16(key).int16(version).int32(correlationId).nullableString(clientId);
    if (flexibleHeader) w.uvarint(0);
    w.raw(body);
    w.patchLength(len);
    return w.toBuffer();
  }

  /** The next response frame (correlation id first), or null when the connection closed. */
  next(timeoutMs = 10_000): Promise<Buffer | null> {
    const ready = this.#frames.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#isClosed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response or close within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push((f) => {
        clearTimeout(timer);
        resolve(f);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
