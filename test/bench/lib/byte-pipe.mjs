// The floor for any proxy written in Node, for test/bench/mesh.ts: each client connection gets
// one upstream connection and bytes go through as they come (no HTTP parsing, no events, no
// statistics). What it costs per request at a fixed rate is what node:net, libuv and the
// kernel's loopback cost; devmode's mesh does that plus reading heads, tracing and reporting.
//   node byte-pipe.mjs BACKEND_PORT  -> prints the port it listens on
import net from 'node:net';

const backendPort = Number(process.argv[2]);
const server = net.createServer({ noDelay: true }, (client) => {
  const upstream = net.connect({ port: backendPort, host: '127.0.0.1', noDelay: true });
  client.on('data', (chunk) => upstream.write(chunk));
  upstream.on('data', (chunk) => client.write(chunk));
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
  client.on('error', () => {});
  upstream.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
