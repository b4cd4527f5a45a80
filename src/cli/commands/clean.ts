import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CliIO } from '../io.js';
import { loadConfigFor } from '../load-config.js';
import { parseFlags } from '../run.js';
import { DEFAULTS } from '../../config/index.js';

/** `devmode clean [-f FILE]`: delete the embedded broker's data directory. */
export async function clean(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags({ args, options: { file: { type: 'string', short: 'f' } } });
  const config = await loadConfigFor(values.file, io);
  // dataDir is null when persist is off; clean the directory it would use all the same.
  const dir = config.kafka.dataDir ?? path.resolve(config.root, DEFAULTS.kafka.dataDir);
  const exists = await stat(dir).then(
    () => true,
    () => false,
  );
  if (!exists) {
    io.stdout.write(`nothing to clean: ${path.relative(io.cwd, dir) || dir} does not exist\n`);
    return 0;
  }
  await rm(dir, { recursive: true, force: true });
  io.stdout.write(`removed ${path.relative(io.cwd, dir) || dir}\n`);
  return 0;
}
