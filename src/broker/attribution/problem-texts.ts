/**
 * The wording of the problems the connection layer sees (an API or version not served, a
 * frame that is not a Kafka request): what happened and what to do, per case the users of
 * a dev broker actually hit (SASL or TLS configured, HTTP on the Kafka port, a client newer
 * than the broker).
 */
import type { ClientProblem } from './client-problems.js';
import { apiName } from '../protocol/api-names.js';

type Problem = Omit<ClientProblem, 'closed'>;

/** What to say about a version outside what the broker serves for an API. */
export function unsupportedVersion(api: string, version: number, min: number, max: number): Problem {
  return {
    kind: 'unsupported-version',
    api,
    version,
    message: `${api} v${version} is not served (this broker serves v${min}-${max}, as Kafka 3.9 did)`,
    hint:
      version > max
        ? "The client is newer than this broker: pin the client's protocol version (librdkafka: broker.version.fallback with api.version.request=false; sarama: config.Version) or use a real Kafka (kafka.mode: container)."
        : 'The client is older than any Kafka this broker imitates: upgrade the client library.',
  };
}

/** What to say about a frame size that cannot be a Kafka request (its 4 bytes may be text). */
export function framingProblem(size: number, maxRequestBytes: number): Problem {
  const head = Buffer.alloc(4);
  head.writeInt32BE(size);
  if (head[0] === 0x16 && head[1] === 0x03) {
    return { kind: 'not-kafka', message: 'the client opened a TLS connection', hint: 'The embedded broker speaks plain Kafka: set security.protocol=PLAINTEXT (no SSL, no SASL) in the client.' };
  }
  if (/^(GET |POST|PUT |HEAD|PRI |OPTI|DELE|PATC)/.test(head.toString('latin1'))) {
    return { kind: 'not-kafka', message: 'an HTTP request reached the Kafka port', hint: 'Send HTTP to the gateway or a service, and point Kafka clients (only) at KAFKA_BROKERS.' };
  }
  if (size > maxRequestBytes) {
    return {
      kind: 'oversized',
      message: `a request of ${size} bytes exceeds the limit of ${maxRequestBytes} bytes`,
      hint: "Send smaller requests (the producer's max.request.size, batch.size).",
    };
  }
  return { kind: 'malformed', message: `invalid request size ${size}`, hint: 'Is this a Kafka client? A client bug may also cause it.' };
}

/** SaslHandshake and SaslAuthenticate: a client configured for authentication. */
const SASL_KEYS = new Set([17, 36]);

/** What to say about an API key the broker does not serve. */
export function unsupportedApi(key: number, version: number): Problem {
  const api = apiName(key);
  if (SASL_KEYS.has(key)) {
    return {
      kind: 'unsupported-api',
      api,
      version,
      message: `${api} v${version}: the client wants to authenticate`,
      hint: 'The embedded broker has no authentication: set security.protocol=PLAINTEXT (no SASL) in the client.',
    };
  }
  return {
    kind: 'unsupported-api',
    api,
    version,
    message: `${api} (API key ${key}) v${version} is not served by devmode's embedded broker`,
    hint: "README's Kafka section lists what it serves; for this API use a real Kafka (kafka.mode: container).",
  };
}
