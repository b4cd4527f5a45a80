import type { StoreSnapshot } from '../../core/store/index.js';
import { fit } from '../text/format.js';
import { exactly, rowText, seg, type Row } from '../text/row.js';
import { lookOf } from '../text/state-style.js';
import { VIEWS, type UiState, type ViewName } from '../state/ui-state.js';
import type { CallLinks } from './call-detail.js';
import { faultsBody } from './faults.js';
import { clip, headerRows } from './header.js';
import { footerKeys, GLOBAL_KEYS, TRAFFIC_MODE_KEYS, VIEW_KEYS } from './keys.js';
import { LogsDeriver } from './logs.js';
import { servicesBody } from './services.js';
import { topicsBody } from './topics.js';
import { trafficBody } from './traffic.js';

/** One screen, fully computed: components only draw it. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly header: readonly Row[];
  readonly tabs: Row;
  readonly body: readonly Row[];
  /** the prompt, a notice, or the view's keys */
  readonly footer: Row;
  readonly help: readonly Row[] | null;
  /** false: no colours at all (NO_COLOR); symbols, words and inverse video still tell things apart */
  readonly color: boolean;
}

/** How the TUI presents itself: colours or none (NO_COLOR); "attached to" another devmode (`devmode ui`) or its own (`devmode up`). */
export interface FrameLook {
  color?: boolean;
  attached?: boolean;
}

const TITLES: Readonly<Record<ViewName, string>> = { services: 'Services', logs: 'Logs', traffic: 'Traffic', topics: 'Topics', faults: 'Faults' };

/** Builds frames from the Store's snapshot and the UI state; keeps what it memoises between frames. */
export class FrameDeriver {
  readonly logs = new LogsDeriver();

  frame(s: StoreSnapshot, ui: UiState, links: CallLinks, width: number, height: number, now: number, look: FrameLook = {}): Frame {
    const bodyHeight = Math.max(1, height - 4);
    return {
      width,
      height,
      color: look.color ?? true,
      header: headerRows(s, width, look.attached ?? true, now),
      tabs: tabsRow(s, ui.view, width),
      body: this.body(s, ui, links, width, bodyHeight, now),
      footer: footerRow(ui, width, now),
      help: ui.help ? helpRows(width, bodyHeight) : null,
    };
  }

  body(s: StoreSnapshot, ui: UiState, links: CallLinks, width: number, height: number, now: number): Row[] {
    switch (ui.view) {
      case 'services':
        return servicesBody(s, ui.services.selected, width, height, now);
      case 'logs':
        return this.logs.body(s, ui.logs, width, height);
      case 'traffic':
        return trafficBody(s, ui.traffic, links, width, height);
      case 'topics':
        return topicsBody(s, ui.topics, width, height);
      case 'faults':
        return faultsBody(s, ui.faults.selected, width, height);
    }
  }

  /** The current view as text for $PAGER: the whole log (not only the screen) in the Logs view. */
  pagerText(s: StoreSnapshot, ui: UiState, links: CallLinks, width: number, now: number): string {
    if (ui.view === 'logs') return this.logs.text(s, ui.logs);
    const body = this.body(s, ui, links, width, 100_000, now);
    while (body.length > 0 && body[body.length - 1]!.length === 0) body.pop();
    return body.map((r) => rowText(r).trimEnd()).join('\n') + '\n';
  }
}

function tabsRow(s: StoreSnapshot, view: ViewName, width: number): Row {
  const problems = s.services.flatMap((svc) => svc.instances.map((i) => lookOf(svc, i))).filter((l) => l.color === 'red').length;
  const row: Row = VIEWS.flatMap((v, i) => [
    seg(` ${i + 1} ${TITLES[v]}${v === 'services' && problems > 0 ? ` ✖${problems}` : ''}${v === 'faults' && s.faults.length > 0 ? ` ⚡${s.faults.length}` : ''} `, v === view ? { inverse: true, bold: true } : { color: v === 'services' && problems > 0 ? 'red' : v === 'faults' && s.faults.length > 0 ? 'yellow' : 'gray' }),
    seg(' '),
  ]);
  return clip(row, width);
}

function footerRow(ui: UiState, width: number, now: number): Row {
  const p = ui.prompt;
  if (p?.kind === 'text') return clip([seg(` ${p.label} `, { inverse: true, color: 'cyan' }), seg(` ${p.text}`), seg('█', { color: 'cyan' }), seg('  ⏎ ok  Esc cancel', { color: 'gray' })], width);
  if (p?.kind === 'choice') return clip([seg(` ${p.label} `, { inverse: true, color: 'cyan' }), ...Object.entries(p.choices).map(([k, label]) => seg(`  ${k} ${label}`)), seg('  Esc cancel', { color: 'gray' })], width);
  if (ui.help) return clip([seg(' keys ', { bold: true, inverse: true }), seg('  any key closes this', { color: 'gray' })], width);
  if (ui.notice && ui.notice.until > now) return clip([seg(` ${ui.notice.text}`, { color: ui.notice.level === 'error' ? 'red' : 'green' })], width);
  const keys = footerKeys(ui.view, ui.traffic.mode).flatMap(([k, what]) => [seg(` ${k}`, { bold: true, color: 'cyan' }), seg(` ${what} `, { color: 'gray' })]);
  // help and quit first: a narrow terminal cuts the end of the line
  return clip([seg(' ?', { bold: true, color: 'cyan' }), seg(' help', { color: 'gray' }), seg(' q', { bold: true, color: 'cyan' }), seg(' quit ', { color: 'gray' }), seg('│', { color: 'gray' }), ...keys], width);
}

/** What `sampled ≤N/s·all errors` in the tap's line means (the rule is admin/tap-sampler.ts's). */
const TAP_NOTE = [
  " Tap 'sampled ≤N/s·all errors': devmode sends about N calls a second",
  ' (devmode ui --max-rps N, default 500, 0: all): every failed call, the others',
  ' by whole traces. Rates and percentiles still count every call.',
];

/**
 * Every key: a section per view (everywhere first), its keys flowing on as many lines as
 * the width needs, so that the whole list fits 80x24 without cutting a word.
 */
function helpRows(width: number, height: number): Row[] {
  const label = 13;
  const room = Math.max(20, width - label - 1);
  const rows: Row[] = [];
  const section = (title: string, keys: readonly (readonly [string, string])[]) => {
    let line: Row[number][] = [seg(fit(` ${title}`, label), { bold: true, color: 'white' })];
    let used = 0;
    for (const [k, what] of keys) {
      const len = k.length + 1 + what.length + 2;
      if (used > 0 && used + len > room) {
        rows.push(line);
        line = [seg(' '.repeat(label))];
        used = 0;
      }
      line.push(seg(k, { bold: true, color: 'cyan' }), seg(` ${what}  `));
      used += len;
    }
    rows.push(clip(line, width));
  };
  section('Everywhere', GLOBAL_KEYS);
  for (const v of VIEWS) {
    section(TITLES[v], VIEW_KEYS[v]);
    if (v === 'traffic') section('  top', TRAFFIC_MODE_KEYS.top);
  }
  rows.push([], ...TAP_NOTE.map((text) => clip([seg(text, { color: 'gray' })], width)));
  return exactly(rows, height);
}
