import type { TrafficMode, ViewName } from '../state/ui-state.js';

/** Each view's keys: the footer shows them, `?` lists them with the global ones. */
export const VIEW_KEYS: Readonly<Record<ViewName, readonly (readonly [string, string])[]>> = {
  services: [['↑↓', 'select'], ['r', 'restart'], ['x', 'stop/start'], ['l', 'logs'], ['t', 'traffic'], ['f', 'fault']],
  logs: [['↑↓ PgUp PgDn', 'scroll'], ['End', 'follow'], ['←→', 'service'], ['/', 'filter'], ['j', 'json'], ['Esc', 'clear']],
  traffic: [['m', 'tap/top/topology'], ['↑↓', 'select'], ['⏎', 'details'], ['space', 'pause'], ['←→', 'service'], ['e', 'status'], ['/', 'path'], ['f', 'fault'], ['c', 'capture'], ['PgUp PgDn', 'scroll details']],
  topics: [['↑↓', 'topic'], ['n', 'produce'], ['j', 'json']],
  faults: [['↑↓', 'select'], ['f', 'add'], ['x', 'clear'], ['X', 'clear all'], ['b', 'broker down/up']],
};

export const GLOBAL_KEYS: readonly (readonly [string, string])[] = [
  ['1-5 Tab', 'views'],
  ['s', 'plain output, and back'],
  ['v', 'view in $PAGER'],
  ['?', 'help'],
  ['Ctrl-L', 'redraw the screen'],
  ['q Ctrl-C', 'quit'],
];

/** The Traffic view's top and topology tables take fewer keys than its tap: the footer shows those. */
export const TRAFFIC_MODE_KEYS: Readonly<Record<Exclude<TrafficMode, 'tap'>, readonly (readonly [string, string])[]>> = {
  top: [['m', 'tap/top/topology'], ['↑↓', 'select'], ['⏎', 'its calls in the tap'], ['f', 'fault'], ['c', 'capture']],
  topology: [['m', 'tap/top/topology']],
};

/** The keys the footer shows for what is on screen. */
export function footerKeys(view: ViewName, trafficMode: TrafficMode): readonly (readonly [string, string])[] {
  return view === 'traffic' && trafficMode !== 'tap' ? TRAFFIC_MODE_KEYS[trafficMode] : VIEW_KEYS[view];
}
