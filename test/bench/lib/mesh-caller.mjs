// The mesh bench's caller: tells the bench the URL devmode gave it for its peer
// (SERVICE_BACKEND_URL, which leads through its own mesh edge), so the bench can load that
// edge exactly as this service would, from a process that does not share its event loop.
// GET /call makes one such call itself (a check that the URL works from the service).
import http from 'node:http';

const peer = process.env.SERVICE_BACKEND_URL ?? '';
const agent = new http.Agent({ keepAlive: true });

const server = http.createServer((req, res) => {
  req.resume();
  if (req.url === '/peer') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: peer }));
    return;
  }
  if (req.url === '/call') {
    http
      .get(`${peer}/hello`, { agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' });
        answer.pipe(res);
      })
      .on('error', (error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: error.message }));
      });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
