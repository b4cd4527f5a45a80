/**
 * The client host Kafka reports for a member: the address as Java's InetAddress prints
 * it, "/127.0.0.1" (admin tools show it that way). `remote` is "host:port".
 */
export function clientHostOf(remote: string): string {
  const colon = remote.lastIndexOf(':');
  const host = colon > 0 ? remote.slice(0, colon) : remote;
  return `/${host.replace(/^\[|\]$/g, '')}`;
}
