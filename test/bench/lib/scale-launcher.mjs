// The scale bench's bare launcher: starts every process of a plan (a JSON file: a list of
// { command, args, env }) at once, each with its output piped and read (as devmode reads
// its services' output), and stops them all on SIGTERM. Nothing else: the least any
// launcher does.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const children = plan.map(({ command, args, env }) => {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.resume();
  child.stderr.resume();
  return child;
});
process.on('SIGTERM', () => {
  for (const child of children) child.kill('SIGTERM');
  process.exit(0);
});
