// Consumes the `orders` topic in the consumer group `user-service`: the instances of this
// service share the topic's partitions, so each order event reaches one of them.
import { Kafka, logLevel } from 'kafkajs';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').filter(Boolean);

export function startOrdersConsumer(onOrder) {
  const status = { partitions: [], consumed: 0 };
  const kafka = new Kafka({
    clientId: `${process.env.SERVICE_NAME ?? 'user'}-${process.env.SERVICE_INSTANCE ?? '0'}`,
    brokers: BROKERS,
    logLevel: logLevel.ERROR,
    logCreator: quietRebalances,
    connectionTimeout: 1000,
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 5 },
  });
  let consumer;
  let stopped = false;
  let delay = 100;

  // In the background: readiness must not wait for the group to form.
  async function start() {
    if (stopped) return;
    consumer = kafka.consumer({
      groupId: 'user-service',
      allowAutoTopicCreation: false,
      sessionTimeout: 6000,
      rebalanceTimeout: 5000,
      // short heartbeats and fetch waits: a joining instance and a new order are seen quickly
      heartbeatInterval: 500,
      maxWaitTimeInMs: 250,
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      delay = 100;
      status.partitions = e.payload.memberAssignment.orders ?? [];
      console.log(`joined group user-service: partitions [${status.partitions.join(', ')}] of orders`);
    });
    // kafkajs restarts by itself after a retriable error only; start over after any other.
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) retryLater(e.payload.error);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message, partition }) => {
          status.consumed++;
          try {
            onOrder(JSON.parse(message.value.toString()), partition);
          } catch (error) {
            console.error(`skipping a malformed order event at partition ${partition} offset ${message.offset}: ${error.message}`);
          }
        },
      });
    } catch (error) {
      retryLater(error);
    }
  }

  function retryLater(error) {
    if (stopped) return;
    console.error(`orders consumer stopped (${error?.message ?? error}); starting again in ${delay} ms`);
    const old = consumer;
    status.partitions = [];
    setTimeout(async () => {
      await old.disconnect().catch(() => {});
      start();
    }, delay);
    delay = Math.min(delay * 2, 2000);
  }

  start();

  return {
    /** partitions assigned to this instance, and how many order events it consumed */
    status,
    async stop() {
      stopped = true;
      // Leaving the group lets the peer take over the partitions at once.
      await consumer?.disconnect().catch(() => {});
    },
  };
}

// kafkajs logs the broker's "rebalance in progress" answer to a heartbeat as an ERROR,
// although it is how every member learns to rejoin; keep the real errors only.
function quietRebalances() {
  return ({ level, log }) => {
    if (/rebalancing/i.test(String(log.error ?? ''))) return;
    const { message, ...rest } = log;
    console.error(`kafkajs ${logLevel[level] ?? level}: ${message} ${JSON.stringify(rest)}`);
  };
}
