/** The process's streams and environment, injected so commands can run in-process in tests. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** the terminal's keys, for the TUI (absent in-process in tests) */
  stdin?: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}
