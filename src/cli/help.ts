/**
 * Each command's `--help` text: what it does, its usage and its options, as `devmode CMD
 * --help` (or `devmode help CMD`) prints it. The overview (`devmode help`) is USAGE in
 * usage.ts.
 */
const ADMIN = `  --admin URL       the admin API of the devmode to talk to; default: DEVMODE_ADMIN_URL, else
                    the devmode running from this directory (.devmode/admin.json), else
                    http://127.0.0.1:9001`;
const FILE = `  -f, --file FILE   the config file (default: ./devmode.yaml or ./devmode.yml)`;

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  up: `devmode up: start the whole system and keep it running

Usage: devmode up [-f FILE] [--plain] [--poll]

Starts every service (as many instances as asked), the locator, Kafka and the gateway,
hot-reloads a service when its files change, and stops everything on q or Ctrl-C, SIGTERM
or SIGHUP, leaving no process or port behind. On a terminal the TUI shows services, logs,
traffic, topics and faults (? lists its keys; s gives plain output with the terminal's
scrollback and back, v opens the view in $PAGER).

Options:
${FILE}
  --plain           print one line per event (the default when stdout is not a terminal
                    or CI=true)
  --poll            watch files by polling (network drives, some containers)
`,
  test: `devmode test: run a command against the system, then stop it

Usage: devmode test [-f FILE] [-q] -- CMD [ARGS...]

Starts the system, waits until it is ready (or fails with the failing service's last lines,
exit 1), runs CMD with GATEWAY_URL, SERVICE_<NAME>_URL, KAFKA_BROKERS, SERVICE_LOCATOR_URL
and DEVMODE_ADMIN_URL in its environment, stops everything and exits with CMD's exit code
(127: CMD not found). devmode's own lines go to stderr. When CMD fails, a report of the run
(calls, broker messages per topic, every service's logs, faults; credentials redacted) is
written to $DEVMODE_REPORT_DIR/devmode-test (default .devmode/reports/devmode-test) and named.

Options:
${FILE}
  -q, --quiet       print nothing of devmode's own
  --report WHEN     on-failure (default), always or never
`,
  check: `devmode check: validate the config

Usage: devmode check [-f FILE]

Prints every mistake at once with file:line:col, the line, a squiggle and a hint; exits 2 on
any error, 0 when the file is valid.

Options:
${FILE}
`,
  kafka: `devmode kafka: run only the embedded Kafka broker

Usage: devmode kafka [--port N] [--host H] [--data-dir DIR] [--partitions N]

Options:
  -p, --port N        the port (default 9092, or the next free one; 0: any free port)
  --host H            the address to bind (default 127.0.0.1)
  --data-dir DIR      keep topics, messages and offsets in DIR across runs (default: memory)
  --partitions N      partitions of auto-created topics (default 1)
`,
  clean: `devmode clean: delete the broker's data directory

Usage: devmode clean [-f FILE]

Deletes kafka.data_dir (default .devmode/kafka beside devmode.yaml).

Options:
${FILE}
`,
  ui: `devmode ui: the TUI on a devmode that is already running

Usage: devmode ui [--admin URL] [--max-rps N]

Attaches to a running devmode (devmode up --plain in another terminal, devmode test) through
its admin API and shows the same TUI as devmode up: services, logs, traffic, topics, faults,
and the same keys. q quits the TUI only: that devmode keeps running. When it stops, the
header says so and the TUI attaches again once it is back.

Options:
${ADMIN}
  -f, --file FILE   the config whose running devmode to attach to
  --max-rps N       the traffic tap shows about N calls a second at most (default 500; 0: every
                    call): failed calls are all shown, the rest by whole traces; rates and
                    percentiles still count every call
`,
  status: `devmode status (or ps): what a running devmode shows

Usage: devmode status [--json] [--admin URL]

Services and instances, traffic per edge, topics, consumer groups and faults.

Options:
  --json            the whole read model as JSON
${ADMIN}
`,
  wait: `devmode wait: wait until services are ready

Usage: devmode wait SERVICE... [--timeout 30s] [-q]
       devmode wait --all [--timeout 30s]

Exits 0 once every instance of each SERVICE (or of the whole system) is ready, 1 on timeout.

Options:
  --all             the whole system
  --timeout T       give up after T (default 30s)
  -q, --quiet       print nothing
${ADMIN}
`,
  events: `devmode events: follow a running devmode's events

Usage: devmode events [--json] [--type T] [--service S] [--since 5m]

Options:
  --json            JSON lines instead of readable lines
  --type T          only events whose type starts with T (repeatable): http., broker., service.
  --service S       only events about service S (repeatable)
  --since D         start with the recorded events of the last D (e.g. 30s, 5m)
${ADMIN}
`,
  logs: `devmode logs: a running devmode's service output

Usage: devmode logs [SERVICE...] [--since 10m]

Prints the recent lines of each SERVICE (default: every service), then follows, like
docker compose logs -f.

Options:
  --since D         start with the lines of the last D (e.g. 30s, 10m)
${ADMIN}
`,
  restart: `devmode restart: restart a service

Usage: devmode restart SERVICE

Restarts every instance of SERVICE and returns once it is ready again.

Options:
${ADMIN}
`,
  fault: `devmode fault: disturb traffic on purpose

Usage: devmode fault list
       devmode fault add [--caller S] [--callee S] [--path P] [--method M] [--percent N] [--id ID] ACTION
       devmode fault clear [ID]        (no ID: every fault)

ACTION is one of:
  --delay 200ms [--jitter 50ms]       forward the call late
  --status 503 [--body TEXT]          answer instead of the callee
  --abort                             reset the connection
  --drop                              never answer
  --cut                               refuse every connection to the callee
  --broker-down                       the broker closes and refuses connections
  --produce-error TOPIC[:CODE]        produce requests for TOPIC fail with CODE
  --delivery-delay TOPIC:DURATION     consumers see records DURATION after they were appended
  --pause-group GROUP                 the group's fetches return nothing

Options:
${ADMIN}
`,
};

/** `ps` and `faults` are other names of `status` and `fault`. */
export function helpFor(command: string): string | undefined {
  const name = command === 'ps' ? 'status' : command === 'faults' ? 'fault' : command;
  return COMMAND_HELP[name];
}

/** True when the arguments ask for help (`--help` or `-h` before a `--`). */
export function asksForHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}
