export const USAGE = `devmode: run a whole microservice system on one machine

Usage:
  devmode up [-f FILE] [--plain]         start every service, the locator, Kafka and the gateway;
                                         hot-reload on file changes; on a terminal the TUI
                                         shows it all (q quits); Ctrl-C stops everything
  devmode ui [--admin URL] [--max-rps N]
                                         the TUI on a devmode already running (up --plain,
                                         test); quitting leaves it running
  devmode test [-f FILE] -- CMD [ARGS]   start the system, run CMD with its addresses in the
                                         environment, stop, and exit with CMD's exit code
  devmode check [-f FILE]                validate devmode.yaml (exit 2 on mistakes)
  devmode kafka [--port N] [--data-dir DIR]
                                         run only the embedded Kafka broker
  devmode clean [-f FILE]                delete the broker's data directory (kafka.data_dir)
  devmode wait SERVICE [--timeout 30s]   wait until every instance of SERVICE is ready (exit 1
                                         on timeout); devmode wait --all for the whole system
  devmode events [--json] [--type T] [--service S] [--since 5m]
                                         follow a running devmode's events (--json: JSON lines)
  devmode status [--json]                a running devmode's services, traffic, topics, faults
  devmode logs [SERVICE...] [--since 10m]
                                         a running devmode's service output, then follow it
  devmode restart SERVICE                restart every instance of a service (waits until back)
  devmode fault list | add ... | clear [ID]
                                         disturb traffic on purpose: --delay 200ms, --status 503,
                                         --abort, --drop, --cut, --broker-down, --produce-error T,
                                         --delivery-delay T:2s, --pause-group G (devmode fault add)
  devmode help [COMMAND] | --help         this text, or a command's (also: devmode COMMAND --help)
  devmode --version

Options:
  -f, --file FILE   the config file (default: ./devmode.yaml or ./devmode.yml)
  --plain           print one line per event even on a terminal (also: CI=true, a pipe)
  --admin URL       the admin API of the devmode to talk to (ui, wait, events, status); default:
                    DEVMODE_ADMIN_URL, else the devmode running from this directory, else
                    http://127.0.0.1:9001

Environment: NO_COLOR disables colours; FORCE_COLOR forces them.
Docs: README.md (quick start, config reference, environment contract).
`;
