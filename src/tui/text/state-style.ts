import type { InstanceView, ServiceView } from '../../core/store/index.js';

/** What the Services view calls an instance's state, with its symbol and colour. */
export interface StateLook {
  readonly word: string;
  readonly symbol: string;
  readonly color: string;
}

const LOOKS = {
  waiting: { word: 'waiting', symbol: '○', color: 'gray' },
  starting: { word: 'starting', symbol: '◐', color: 'yellow' },
  unhealthy: { word: 'unhealthy', symbol: '▲', color: 'yellow' },
  ready: { word: 'ready', symbol: '●', color: 'green' },
  reloading: { word: 'reloading', symbol: '⟳', color: 'cyan' },
  building: { word: 'building', symbol: '⚙', color: 'blue' },
  buildFailed: { word: 'build failed', symbol: '⊘', color: 'red' },
  crashed: { word: 'crashed', symbol: '✖', color: 'red' },
  crashLoop: { word: 'crash loop', symbol: '↻', color: 'red' },
  stopping: { word: 'stopping', symbol: '◌', color: 'gray' },
  stopped: { word: 'stopped', symbol: '■', color: 'gray' },
} as const satisfies Record<string, StateLook>;

export type LookName = keyof typeof LOOKS;

/**
 * The state a user reads for an instance. The service's activity comes first while it
 * lasts, whatever its instances do meanwhile (the running version keeps serving during a
 * build and a swap; a restart-mode reload stops and starts them): building, reloading, and
 * a failed build until the next one (the change did not take: that is what to fix), unless
 * the user stopped the service. Then the supervisor's state; an exit devmode did not ask for
 * is a crash.
 */
export function lookOf(service: ServiceView, i: InstanceView): StateLook {
  return LOOKS[lookName(service, i)];
}

export function lookName(service: ServiceView, i: InstanceView): LookName {
  if (service.activity === 'building') return 'building';
  if (service.activity === 'reloading') return 'reloading';
  const stopped = i.state === 'stopped' || i.state === 'stopping' || (i.state === 'exited' && i.lastExit?.requested === true);
  if (service.activity === 'build-failed' && !stopped) return 'buildFailed';
  switch (i.state) {
    case 'waiting':
      return 'waiting';
    case 'starting':
      return i.why ? 'unhealthy' : 'starting';
    case 'ready':
      return 'ready';
    case 'stopping':
      return 'stopping';
    case 'stopped':
      return 'stopped';
    case 'exited':
      return i.lastExit?.requested ? 'stopped' : 'crashed';
    case 'backoff':
      return 'crashed';
    case 'crash-loop':
      return 'crashLoop';
  }
}

export const ALL_LOOKS: readonly StateLook[] = Object.values(LOOKS);
