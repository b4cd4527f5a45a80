import { readFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { startChild } from './broker-procs.js';

const TCP_CHILD = new URL('./broker-tcp-child.ts', import.meta.url);
const SLICE = 1024 * 1024;

/** Uploads FILE to a sink in another process over loopback; resolves with the ms taken. */
export async function tcpUpload(file: string, expectedBytes: number): Promise<number> {
  const sink = await startChild<{ port: number }>(TCP_CHILD, ['sink']);
  const bytes = await readFile(file);
  try {
    const started = process.hrtime.bigint();
    const socket = connect(sink.info.port, '127.0.0.1');
    const replied = readAll(socket);
    await writeAll(socket, bytes);
    const reply = await replied;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (Number(reply.toString().trim()) !== expectedBytes) throw new Error(`sink counted ${reply.toString().trim()} bytes, expected ${expectedBytes}`);
    return ms;
  } finally {
    await sink.stop();
  }
}

/** Downloads FILE from a source in another process over loopback; resolves with the ms taken. */
export async function tcpDownload(file: string, expectedBytes: number): Promise<number> {
  const source = await startChild<{ port: number }>(TCP_CHILD, ['source', file]);
  try {
    const started = process.hrtime.bigint();
    const socket = connect(source.info.port, '127.0.0.1');
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await new Promise<void>((resolve, reject) => {
      socket.once('end', () => resolve());
      socket.once('error', reject);
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (bytes !== expectedBytes) throw new Error(`received ${bytes} bytes, expected ${expectedBytes}`);
    return ms;
  } finally {
    await source.stop();
  }
}

/** Writes in 1 MiB slices, waiting for 'drain' as a well-behaved sender does, then ends. */
async function writeAll(socket: Socket, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length; at += SLICE) {
    if (!socket.write(bytes.subarray(at, at + SLICE))) await new Promise((resolve) => socket.once('drain', resolve));
  }
  socket.end();
}

function readAll(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

/**
 * Size-prefixed request/response over loopback in this process, one at a time: the floor
 * under any Kafka round trip from Node. Resolves with per-round-trip latencies in ms.
 */
export async function tcpPingPong(count: number): Promise<number[]> {
  const server = createServer((socket) => socket.on('data', (chunk: Buffer) => socket.write(chunk)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const frame = Buffer.alloc(64);
  frame.writeInt32BE(60, 0);
  const latencies: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      await new Promise<void>((resolve) => {
        let got = 0;
        const onData = (chunk: Buffer) => {
          got += chunk.length;
          if (got >= frame.length) {
            socket.off('data', onData);
            resolve();
          }
        };
        socket.on('data', onData);
        socket.write(frame);
      });
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  return latencies;
}
