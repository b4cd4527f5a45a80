import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Shows `text` in the user's pager ($PAGER, else `less`), which takes the terminal until
 * it exits. Asynchronous on purpose: the system keeps serving while the pager is open.
 */
export async function openInPager(text: string, env: NodeJS.ProcessEnv): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'devmode-view-'));
  const file = path.join(dir, 'view.txt');
  writeFileSync(file, text);
  try {
    const pager = env.PAGER && env.PAGER.trim() ? env.PAGER : 'less';
    await new Promise<void>((resolve, reject) => {
      // Through the shell: $PAGER may carry flags ("less -R").
      const child = spawn(`${pager} "$DEVMODE_VIEW_FILE"`, { shell: true, stdio: 'inherit', env: { ...env, DEVMODE_VIEW_FILE: file } });
      child.once('error', reject);
      child.once('exit', () => resolve());
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
