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
  building: { word: 'building', symbol: '⚙', color: 'cyan' },
  buildFailed: { word: 'build failed', symbol: '⊘', color: 'red' },
  crashed: { word: 'crashed', symbol: '✖', color: 'red' },
  crashLoop: { word: 'crash loop', symbol: '↻', color: 'red' },
  stopping: { word: 'stopping', symbol: '◌', color: 'gray' },
  stopped: { word: 'stopped', symbol: '■', color: 'gray' },
} as const satisfies Record<string, StateLook>;

export type LookName = keyof typeof LOOKS;

/**
 * The state a user reads for an instance. The service's activity comes first while it
 * matters (a reload in progress, a build that failed while the old version keeps serving
 * shows both), then the supervisor's state; an exit devmode did not ask for is a crash.
 */
export function lookOf(service: ServiceView, i: InstanceView): StateLook {
  return LOOKS[lookName(service, i)];
}

export function lookName(service: ServiceView, i: InstanceView): LookName {
  if (service.activity === 'build-failed' && i.state !== 'ready') return 'buildFailed';
  if (service.activity === 'reloading' && i.state !== 'ready') return i.state === 'waiting' ? 'building' : 'reloading';
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
