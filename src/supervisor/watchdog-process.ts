/**
 * The watchdog: a separate process (own process group, spawned by Watchdog) that devmode
 * tells, over its stdin pipe, about every process group it starts (`+PGID`) and has stopped
 * (`-PGID`). When the pipe closes (devmode exited in any way, SIGKILL included, since the kernel
 * closes the pipe then), it SIGTERMs the groups still listed, SIGKILLs them after the grace
 * period (argv[2], ms) and exits. It writes `ready` on stdout once it listens.
 */
import { signalGroup, waitGroupGone } from './process-group.js';

function main(): void {
  const graceMs = Number(process.argv[2] ?? 2_000);
  const groups = new Set<number>();
  let pending = '';
  let cleaning = false;

  const cleanUp = async (): Promise<void> => {
    if (cleaning) return;
    cleaning = true;
    const left = [...groups].filter((pgid) => signalGroup(pgid, 'SIGTERM'));
    await Promise.all(
      left.map(async (pgid) => {
        if (await waitGroupGone(pgid, graceMs, 50)) return;
        signalGroup(pgid, 'SIGKILL');
        await waitGroupGone(pgid, 2_000, 50);
      }),
    );
    process.exit(0);
  };

  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const pgid = Number(line.slice(1));
      if (!Number.isInteger(pgid) || pgid <= 1) continue; // never signal -1 (everything) or -0 (ourselves)
      if (line.startsWith('+')) groups.add(pgid);
      else if (line.startsWith('-')) groups.delete(pgid);
    }
  });
  process.stdin.on('end', () => void cleanUp());
  process.stdin.on('close', () => void cleanUp());
  process.stdin.on('error', () => void cleanUp());
  // A terminal's signals do not reach us (own session); a SIGTERM sent on purpose still cleans up first.
  process.on('SIGINT', () => {});
  process.on('SIGHUP', () => {});
  process.on('SIGTERM', () => void cleanUp());
  process.stdout.write('ready\n');
}

main();
