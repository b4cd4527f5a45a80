// The far end of the benchmark's raw loopback TCP copy: the ceiling any broker is compared
// with. `sink` reads a whole upload and answers with the byte count; `source` sends FILE to
// each connection. Prints {"port": N} once listening; exits on SIGTERM.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const [mode, file] = process.argv.slice(2);
// read up front, as a broker holding the data in memory would have it
const data = mode === 'source' ? readFileSync(file!) : Buffer.alloc(0);
const server = createServer((socket) => {
  if (mode === 'source') {
    socket.end(data);
    return;
  }
  let bytes = 0;
  socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
  socket.on('end', () => socket.end(`${bytes}\n`));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
