import { connect, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';

/**
 * A minimal Kafka client for exact-version requests: one request at a time, returning a
 * Reader positioned at the response body (after the header, incl. flexible tagged fields).
 */
export class WireClient {
  readonly #socket: Socket;
  #buf = Buffer.alloc(0);
  #waiter: ((frame: Buffer) => void) | null = null;
  #correlationId = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      if (this.#buf.length < 4) return;
      const size = this.#buf.readInt32BE(0);
      if (this.#buf.length < 4 + size) return;
      const frame = this.#buf.subarray(4, 4 + size);
      this.#buf = this.#buf.subarray(4 + size);
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter?.(frame);
    });
  }

  /** Connects and closes the socket after the test. */
  static async open(bootstrap: string): Promise<WireClient> {
    const [host, port] = bootstrap.split(':');
    const socket = connect({ host: host!, port: Number(port) });
    onTestFinished(() => void socket.destroy());
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new WireClient(socket);
  }

  async request(key: number, version: number, flexible: boolean, body: (w: Writer) => void): Promise<Reader> {
    const w = new Writer();
    const len = w.reserveInt32();
    const correlationId = ++this.#correlationId;
    w.int16(key).int16(version).int32(correlationId).nullableString('wire-test');
    if (flexible) w.uvarint(0);
    body(w);
    w.patchLength(len);
    const frame = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to key ${key} v${version}`)), 10_000);
      this.#waiter = (f) => {
        clearTimeout(timer);
        resolve(f);
      };
    });
    this.#socket.write(w.toBuffer());
    const r = new Reader(await frame);
    if (r.int32() !== correlationId) throw new Error('correlation id mismatch');
    r.tags(flexible);
    return r;
  }
}
