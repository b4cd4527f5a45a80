/**
 * Runs Debian's kcat (librdkafka 2.0.2) against a broker, with its stderr kept for
 * assertion messages.
 */
import { execa } from 'execa';

export interface KcatResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * `kcat -b bootstrap ...args`, feeding `input` on stdin. Never throws for a non-zero exit;
 * the timeout (default 30 s) only exists to catch a hang.
 */
export async function kcat(bootstrap: string, args: readonly string[], input?: string, timeoutMs = 30_000): Promise<KcatResult> {
  const result = await execa('kcat', ['-b', bootstrap, ...args], {
    input: input ?? '',
    reject: false,
    timeout: timeoutMs,
    stripFinalNewline: false,
    maxBuffer: 512 * 1024 * 1024,
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr) + (result.timedOut ? `\n[kcat timed out after ${timeoutMs} ms]` : ''),
  };
}

/** A readable summary for assertion messages. */
export function describeKcat(r: KcatResult): string {
  return `kcat exited ${r.exitCode}\n--- stderr ---\n${r.stderr.slice(-4000)}`;
}
