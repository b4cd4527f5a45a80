// The mesh bench's callee: answers every request with the same small JSON body, at once.
// Written as a user would (node:http only); devmode gives it PORT and HOST.
import http from 'node:http';

const body = JSON.stringify({ ok: true, service: process.env.SERVICE_NAME ?? 'backend', instance: Number(process.env.SERVICE_INSTANCE ?? 0) });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };

const server = http.createServer((req, res) => {
  // Drain the request (none of the bench's have a body) so keep-alive connections stay usable.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});
// Keep-alive connections from the load generator and the mesh stay open between requests.
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
