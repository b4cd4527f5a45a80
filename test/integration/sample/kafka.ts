import { execa, type ResultPromise } from 'execa';
import { EmbeddedBroker } from '../../../src/broker/embedded.js';

/** A Kafka for the sample services: `bootstrap` once started. */
export interface TestKafka {
  readonly bootstrap: string;
  /** which broker this is, for failure messages */
  readonly kind: string;
  stop(): Promise<void>;
}

/**
 * Starts devmode's embedded broker with the sample's topics (orders: 2 partitions).
 * SAMPLE_KAFKA=kcat runs the same flows against librdkafka's mock cluster inside kcat
 * instead (it creates `orders` with 4 partitions): a cross-check of the services against a
 * broker that is not ours.
 */
export async function startKafka(): Promise<TestKafka> {
  return process.env.SAMPLE_KAFKA === 'kcat' ? startKcatMock() : startEmbedded();
}

async function startEmbedded(): Promise<TestKafka> {
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, autoCreateTopics: false, topics: [{ name: 'orders', partitions: 2 }] });
  await broker.start();
  return { bootstrap: broker.bootstrap, kind: 'embedded', stop: () => broker.stop() };
}

async function startKcatMock(): Promise<TestKafka> {
  // kcat's consumer keeps the mock cluster alive and creates the topic on its first metadata request.
  const child: ResultPromise = execa('kcat', ['-X', 'test.mock.num.brokers=1', '-b', 'unused:1', '-C', '-t', 'orders', '-o', 'end', '-u'], {
    reject: false,
    stdout: 'ignore',
    stdin: 'ignore',
  });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`kcat mock cluster did not start: ${text}`)), 5000);
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /replaced with (\S+)/.exec(text);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void child.then(() => reject(new Error(`kcat exited: ${text}`)));
  });
  return {
    bootstrap,
    kind: 'kcat mock cluster',
    async stop() {
      child.kill('SIGKILL');
      await child;
    },
  };
}
