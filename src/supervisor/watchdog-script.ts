/**
 * The watchdog, as a POSIX shell script (run by /bin/sh): a separate process, in its own
 * process group and session, that devmode tells over its stdin pipe about every process
 * group it starts (`+PGID`) and has stopped (`-PGID`). When the pipe closes (devmode exited
 * in any way, SIGKILL included: the kernel closes the pipe then), it SIGTERMs the groups
 * still listed, SIGKILLs those left after the grace period ($1, in 50 ms ticks) and exits.
 * It writes `ready` once it listens.
 *
 * Why shell rather than a Node script: it does almost nothing, and a Node process for it
 * cost ~43 MB of memory beside devmode's own; /bin/sh costs ~1 MB.
 * `kill -0` counts zombies as alive (PID 1 here may not reap orphans), so a group of zombies
 * only delays the watchdog's own exit by the grace period; SIGKILL of them is harmless.
 */
export const WATCHDOG_SCRIPT = String.raw`
trap '' INT HUP
ticks=$1
groups=' '
cleanup() {
  trap '' TERM
  alive=''
  for g in $groups; do kill -TERM "-$g" 2>/dev/null && alive="$alive $g"; done
  n=0
  while [ -n "$alive" ] && [ "$n" -lt "$ticks" ]; do
    sleep 0.05
    n=$((n + 1))
    still=''
    for g in $alive; do kill -0 "-$g" 2>/dev/null && still="$still $g"; done
    alive=$still
  done
  for g in $alive; do kill -KILL "-$g" 2>/dev/null; done
  exit 0
}
trap cleanup TERM
echo ready
while IFS= read -r line; do
  case "$line" in
    +[0-9]*) g=${'$'}{line#+}; [ "$g" -gt 1 ] 2>/dev/null && groups="$groups$g " ;;
    -[0-9]*) g=${'$'}{line#-}; groups=$(printf '%s' "$groups" | sed "s/ $g / /") ;;
  esac
done
cleanup
`;
