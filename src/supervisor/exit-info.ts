import type { InstanceRef } from '../core/events/index.js';

/** How an instance ended. */
export interface ExitInfo {
  /** the leader's exit code, or null when killed by a signal or never spawned */
  code: number | null;
  signal: string | null;
  /** true when stop() asked for it; false for a crash, a clean exit by itself, or a readiness timeout */
  requested: boolean;
  /** for people: "stopped", "exited with code 1", "not ready after 30s: ..." */
  reason: string;
}

/** How many of the last output lines an error message quotes. */
const QUOTED_LINES = 8;

/**
 * An instance failed to start or become ready. The message is meant for the user as is:
 * "order exited with code 1 before it became ready; last lines:\n  Error: ...".
 */
export class InstanceFailedError extends Error {
  readonly code = 'E_INSTANCE_FAILED';
  readonly lastLines: readonly string[];
  constructor(summary: string, lastLines: readonly string[]) {
    const quoted = lastLines.slice(-QUOTED_LINES);
    super(quoted.length > 0 ? `${summary}; last lines:\n${quoted.map((l) => `  ${l}`).join('\n')}` : summary);
    this.name = 'InstanceFailedError';
    this.lastLines = [...lastLines];
  }
}

/** `order` for instance 0, `order#2` for the others: how messages name an instance. */
export function instanceLabel(ref: InstanceRef): string {
  return ref.instance === 0 ? ref.service : `${ref.service}#${ref.instance}`;
}
