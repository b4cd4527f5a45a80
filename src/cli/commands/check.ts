import path from 'node:path';
import { checkCommand, findConfigFile, EXIT_CONFIG_ERROR } from '../../config/index.js';
import { shouldColor } from '../../term/colors.js';
import type { CliIO } from '../io.js';
import { parseFlags } from '../run.js';

/** `devmode check [-f FILE]`: validate the config; exit 2 on any mistake. */
export async function check(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags({ args, options: { file: { type: 'string', short: 'f' } } });
  let absolute: string;
  if (values.file !== undefined) absolute = path.resolve(io.cwd, values.file);
  else {
    const found = findConfigFile(io.cwd);
    if (!found.ok) {
      io.stderr.write(`devmode: ${found.error}\n`);
      return EXIT_CONFIG_ERROR;
    }
    absolute = found.value;
  }
  // Diagnostics name the file as the user sees it from where they ran devmode.
  const shown = io.cwd === process.cwd() ? path.relative(io.cwd, absolute) || absolute : absolute;
  return checkCommand(shown, { stdout: io.stdout, stderr: io.stderr, color: shouldColor(io.stderr, io.env) });
}
