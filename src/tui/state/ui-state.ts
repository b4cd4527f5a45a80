/**
 * Everything the TUI remembers beyond the Store's snapshot: which view, what is selected,
 * filters, scroll positions, an open prompt. Plain data owned by the controller, outside
 * React; a component never keeps state of its own.
 */
import type { RecordView } from '../../core/contracts.js';
import type { TapEntry } from '../../core/store/index.js';

export const VIEWS = ['services', 'logs', 'traffic', 'topics', 'faults'] as const;
export type ViewName = (typeof VIEWS)[number];

export const STATUS_CLASSES = ['all', '2xx', '3xx', '4xx', '5xx', 'failed'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export const TRAFFIC_MODES = ['tap', 'top', 'topology'] as const;
export type TrafficMode = (typeof TRAFFIC_MODES)[number];

/** An inline input on the footer line: free text, or one key among choices. */
export type Prompt =
  | { kind: 'text'; label: string; text: string; submit: (text: string) => void }
  | { kind: 'choice'; label: string; choices: Readonly<Record<string, string>>; choose: (key: string) => void };

export interface Notice {
  text: string;
  level: 'info' | 'error';
  until: number;
}

export interface UiState {
  view: ViewName;
  help: boolean;
  prompt: Prompt | null;
  notice: Notice | null;
  services: { selected: number };
  logs: {
    /** null: every service merged */
    service: string | null;
    /** the seq of the bottom line shown while scrolled back; null: following the end */
    anchorSeq: number | null;
    filter: string;
    json: boolean;
  };
  traffic: {
    mode: TrafficMode;
    /** the tap as it was when paused; null: live */
    paused: readonly TapEntry[] | null;
    service: string | null;
    status: StatusClass;
    path: string;
    /** the selected exchange's seq; null: the newest */
    selectedSeq: number | null;
    detail: boolean;
    /** first line of the selected call's detail shown (PgUp/PgDn scroll it; 0 again for another call) */
    detailTop: number;
    /** row selected in the top table (edges, then routes) */
    topSelected: number;
  };
  topics: {
    selected: number;
    /** the selected topic's last records, newest last (null: not read yet) */
    tail: { topic: string; records: (RecordView & { partition: number })[]; error: string | null } | null;
    json: boolean;
  };
  faults: { selected: number };
}

export function initialUi(): UiState {
  return {
    view: 'services',
    help: false,
    prompt: null,
    notice: null,
    services: { selected: 0 },
    logs: { service: null, anchorSeq: null, filter: '', json: false },
    traffic: { mode: 'tap', paused: null, service: null, status: 'all', path: '', selectedSeq: null, detail: false, detailTop: 0, topSelected: 0 },
    topics: { selected: 0, tail: null, json: false },
    faults: { selected: 0 },
  };
}
