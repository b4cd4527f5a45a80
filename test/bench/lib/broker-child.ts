// Runs the embedded broker alone in this process, for the broker benchmark: prints
// {"bootstrap": "...", "pid": N} once listening and stops cleanly on SIGTERM or SIGINT.
// Usage: node --import tsx test/bench/lib/broker-child.ts [retentionBytes]
import { EmbeddedBroker } from '../../../src/broker/embedded.js';

const retentionBytes = Number(process.argv[2] ?? -1);
const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, retentionBytes });
await broker.start();
process.stdout.write(`${JSON.stringify({ bootstrap: broker.bootstrap, pid: process.pid })}\n`);

const stop = () => {
  broker.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
