/**
 * Events about managed service instances: lifecycle, logs, builds and reloads.
 * Published by supervisor/ and watch/ (through system/); read by every view.
 */

/** Identifies one running copy of a service. `generation` grows with each reload swap. */
export interface InstanceRef {
  service: string;
  instance: number;
}

/** The lifecycle states an instance goes through, as views show them. */
export type InstanceState =
  | 'starting' // spawned, readiness not yet seen
  | 'ready' // readiness probe passed; receives traffic
  | 'stopping' // SIGTERM sent, waiting for exit
  | 'stopped' // exited on request
  | 'exited' // exited by itself (crash or clean exit)
  | 'backoff' // waiting before a restart
  | 'crash-loop'; // restarted too often in a short time; still retried, slower

export type ServiceEvent =
  /** An instance changed state. `detail` says why (exit code, signal, probe error). */
  | {
      type: 'instance.state';
      ref: InstanceRef;
      state: InstanceState;
      pid?: number;
      port?: number;
      /** ms since spawn, set on 'ready' */
      readyInMs?: number;
      /** exit code or signal, set on 'exited'/'stopped' */
      exit?: { code: number | null; signal: string | null };
      /** ms until the next restart, set on 'backoff'/'crash-loop' */
      restartInMs?: number;
      detail?: string;
      ts: number;
    }
  /** One line of an instance's output (ANSI kept; views may strip it). */
  | {
      type: 'log';
      ref: InstanceRef;
      stream: 'stdout' | 'stderr';
      line: string;
      ts: number;
    }
  /** A burst of file changes started a reload of a service. */
  | { type: 'reload.started'; service: string; trigger: string; files: number; ts: number }
  /** The service's build step started (before a reload, or before its first start). */
  | { type: 'build.started'; service: string; ts: number }
  /** The build step succeeded (`ms` it took); the new version starts next. */
  | { type: 'build.finished'; service: string; ms: number; ts: number }
  /** The build step failed; `serving`: a running version keeps serving (false when none ever started). */
  | { type: 'build.failed'; service: string; output: string; exitCode: number | null; serving: boolean; ts: number }
  /** The new version serves; `ms` is from the first change seen to traffic switched. */
  | { type: 'reload.finished'; service: string; ms: number; ts: number }
  /** The new version did not become ready; the old one (if any) keeps serving. */
  | { type: 'reload.failed'; service: string; reason: string; ts: number };
