import { closeSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';

/**
 * devmode's own output going away: the terminal closed (a closed tab, a dropped SSH
 * session: writes fail with EIO, SIGHUP follows) or the reader of a pipe left (EPIPE).
 * That is not an error of the system: devmode stops as on SIGHUP, and says nothing more
 * (there is nobody to say it to).
 */
export class LostOutput {
  /** which of fds 0-2 were terminals at start */
  readonly #wasTty = [0, 1, 2].map((fd) => safeIsatty(fd));
  readonly #onLost: (reason: string) => void;
  #lost = false;

  /** Calls `onLost` once, the first time a write to `streams` fails. */
  constructor(streams: NodeJS.WriteStream[], onLost: (reason: string) => void) {
    this.#onLost = onLost;
    for (const stream of streams) stream.on('error', this.#onError);
  }

  get lost(): boolean {
    return this.#lost;
  }

  /**
   * Whether an error thrown (not emitted) somewhere is the terminal going away: the TUI
   * setting raw mode on a terminal that just hung up throws EIO from inside Ink. Taken like
   * a failed write (true, and `onLost` once); anything else is not ours (false).
   */
  takes(error: unknown): boolean {
    const e = error as NodeJS.ErrnoException | null;
    if (e?.code !== 'EIO' || (e.syscall !== 'setRawMode' && !this.#terminalGone())) return false;
    this.#onError(e);
    return true;
  }

  #terminalGone(): boolean {
    return [0, 1, 2].some((fd) => this.#wasTty[fd] && !safeIsatty(fd));
  }

  readonly #onError = (error: NodeJS.ErrnoException): void => {
    // The failed stream destroyed itself, so later writes to it are dropped quietly; the
    // other one (stderr when only stdout's pipe closed) still says what happens.
    if (this.#lost) return;
    this.#lost = true;
    this.#onLost(error.code === 'EPIPE' ? 'output closed' : 'terminal closed');
  };

  /**
   * Call on the way out (process 'exit'). Node restores each terminal's settings as it
   * exits and aborts (SIGABRT, a core dump) when the terminal has hung up (tcsetattr says
   * EIO); Node skips a descriptor that no longer names the same file, so a terminal that is
   * gone is replaced by /dev/null first.
   */
  release(): void {
    for (const fd of [0, 1, 2]) {
      if (!this.#wasTty[fd] || safeIsatty(fd)) continue;
      try {
        closeSync(fd);
        openSync('/dev/null', 'r+'); // takes the lowest free descriptor: this one
      } catch {
        // nothing better to do on the way out
      }
    }
  }
}

function safeIsatty(fd: number): boolean {
  try {
    return isatty(fd);
  } catch {
    return false;
  }
}
