/**
 * Finds a TCP socket's inode in /proc/net/tcp and /proc/net/tcp6 (Linux), by its local and
 * remote ports. Both ends of a loopback connection are listed; the client's end is the one
 * whose local port is the client's port and remote port the broker's.
 */
import { readFile } from 'node:fs/promises';

const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'] as const;

/** "0100007F:1F90" -> 8080; NaN when malformed. */
function portOf(address: string): number {
  const colon = address.lastIndexOf(':');
  return colon < 0 ? Number.NaN : Number.parseInt(address.slice(colon + 1), 16);
}

/**
 * Inodes of the sockets with local port `localPort` and remote port `remotePort`, for every
 * pair asked, in one read of each table. Pairs not found are absent from the result
 * (the client closed already, or this is not Linux).
 */
export async function socketInodes(pairs: readonly { localPort: number; remotePort: number }[]): Promise<Map<string, number>> {
  const wanted = new Set(pairs.map((p) => `${p.localPort}:${p.remotePort}`));
  const found = new Map<string, number>();
  for (const table of TABLES) {
    let text: string;
    try {
      text = await readFile(table, 'latin1');
    } catch {
      continue; // no IPv6, or no /proc
    }
    for (const line of text.split('\n')) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
      const fields = line.trim().split(/\s+/);
      const inode = Number(fields[9]);
      if (fields.length < 10 || !(inode > 0)) continue;
      const key = `${portOf(fields[1]!)}:${portOf(fields[2]!)}`;
      if (wanted.has(key) && !found.has(key)) found.set(key, inode);
    }
  }
  return found;
}
