/**
 * Vitest global setup: the programs some tests drive besides devmode (an independent Kafka
 * client, Debian's kcat). A newcomer's `npm test` should need nothing else, so a missing
 * program is installed with apt-get where that is possible (root, apt-get present); where it
 * is not, the tests that need it are skipped with a one-line reason naming the install
 * command, and the run ends by counting them. In CI (CI=true) nothing may be skipped for a
 * missing program: the run fails at once, naming it (.ci/run installs them first).
 */
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { TOOLS, type ToolName } from '../helpers/tools.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the tools missing on this machine, each with its skip reason */
    missingTools: Partial<Record<ToolName, string>>;
  }
}

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** apt-get install, with one `apt-get update` first when the package lists are empty or stale. */
function aptInstall(packages: string[]): boolean {
  const quiet = { stdio: 'ignore' as const, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 300_000 };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', ...packages], quiet).status === 0;
  if (install()) return true;
  spawnSync('apt-get', ['update', '-qq'], quiet);
  return install();
}

export default function setup(project: TestProject): () => void {
  const missing = (Object.keys(TOOLS) as ToolName[]).filter((name) => !has(TOOLS[name].command));
  // DEVMODE_TEST_NO_INSTALL=1: never install, skip instead (a machine you do not want changed).
  const canInstall = process.getuid?.() === 0 && has('apt-get') && process.env['DEVMODE_TEST_NO_INSTALL'] !== '1';
  if (missing.length > 0 && canInstall) {
    const packages = missing.map((name) => TOOLS[name].apt);
    process.stderr.write(`test setup: installing ${packages.join(', ')} with apt-get (tests drive them as independent clients)\n`);
    aptInstall(packages);
  }
  const still = missing.filter((name) => !has(TOOLS[name].command));
  if (still.length > 0 && process.env['CI'] === 'true') {
    throw new Error(`CI=true and ${still.join(', ')} not installed: tests may not be skipped in CI; install with: apt-get install -y ${still.map((n) => TOOLS[n].apt).join(' ')}`);
  }
  const reasons: Partial<Record<ToolName, string>> = {};
  for (const name of still) reasons[name] = `${TOOLS[name].command} not installed; apt-get install -y ${TOOLS[name].apt}`;
  project.provide('missingTools', reasons);
  return () => {
    for (const name of still) process.stdout.write(`\nskipped: the tests that need ${name} (${reasons[name]})\n`);
  };
}
