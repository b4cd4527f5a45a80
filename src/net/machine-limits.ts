import { readFileSync } from 'node:fs';

/**
 * A limit of the machine rather than a bug: too many open files, no local port left. A big
 * system (hundreds of instances, each with its sockets and pipes) can meet one; the user
 * gets one message naming the limit and what to do, not an internal error with a stack.
 * Returns null for any other error. Looks through `cause` chains (wrapped errors).
 */
export function describeMachineLimit(error: unknown): string | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, syscall } = e as NodeJS.ErrnoException;
    const during = syscall ? ` at ${syscall}${addressOf(e)}` : '';
    switch (code) {
      case 'EMFILE': {
        const limit = OPEN_FILES;
        const now = limit ? `: the limit is ${limit.soft}${limit.hard !== limit.soft ? `, at most ${limit.hard}` : ''}` : '';
        return `reached the limit on open files per process (EMFILE${now}, see \`ulimit -n\`)${during}; raise it in the shell that starts devmode (${raiseHint(limit)}) or run fewer services or instances`;
      }
      case 'ENFILE':
        return `the machine reached its limit on open files for all processes (ENFILE, see \`sysctl fs.file-max\`)${during}; close other programs or raise fs.file-max`;
      case 'EADDRNOTAVAIL':
        return `the machine has no local port left (EADDRNOTAVAIL, range in /proc/sys/net/ipv4/ip_local_port_range)${during}; close connections other programs hold open or widen the range`;
      default:
        break;
    }
  }
  return null;
}

/** `ulimit -n` up to the hard limit when that is higher; else the hard limit itself must go up. */
function raiseHint(limit: { soft: string; hard: string } | null): string {
  if (limit && limit.hard !== limit.soft) return `\`ulimit -n ${limit.hard === 'unlimited' ? 65536 : limit.hard}\``;
  return `\`ulimit -n 65536\`; ${limit ? 'the hard limit is reached too: raise it in /etc/security/limits.conf or as root' : 'the hard limit may need raising too'}`;
}

function addressOf(e: object): string {
  const { address, port } = e as { address?: string; port?: number };
  return address ? ` ${address}${port !== undefined ? `:${port}` : ''}` : '';
}

/** Read once, when loaded: once the limit is reached, not even /proc can be opened to tell it. */
const OPEN_FILES = openFilesLimit();

/** Soft and hard limits on open files from /proc (Linux); null where unknown. */
function openFilesLimit(): { soft: string; hard: string } | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line?.slice('Max open files'.length).trim().split(/\s+/) ?? [];
    return soft && hard ? { soft, hard } : null;
  } catch {
    return null;
  }
}
