// Tells the other instances of this service about a change, directly over HTTP:
// intra-service, at-most-once. A peer that is down misses the change (it will still
// get its own share of the orders from Kafka); errors are ignored on purpose.

const PEERS = (process.env.CLUSTER_PEERS ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function replicate(change) {
  const body = JSON.stringify(change);
  for (const peer of PEERS) {
    fetch(`${peer}/internal/replicate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-replicated-by': process.env.SERVICE_INSTANCE ?? '0' },
      body,
      signal: AbortSignal.timeout(1000),
    }).then(
      (res) => res.body?.cancel(),
      () => {},
    );
  }
}
