// The TUI bench's noisy service: prints LINES_PER_SEC lines a second (in 10 ms batches), like
// a chatty service at debug level; GET /rate?n=N changes the rate (0: quiet). Answers /health.
import http from 'node:http';

let perSec = Number(process.env.LINES_PER_SEC ?? 20000);
let n = 0;
setInterval(() => {
  const batch = Math.round(perSec / 100);
  if (batch === 0) return;
  let out = '';
  for (let i = 0; i < batch; i++) out += `{"level":"debug","n":${++n},"msg":"handled item","took_ms":${(n % 97) / 10}}\n`;
  process.stdout.write(out);
}, 10);

const server = http.createServer((req, res) => {
  req.resume();
  const m = /^\/rate\?n=(\d+)/.exec(req.url ?? '');
  if (m) perSec = Number(m[1]);
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(String(perSec));
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
