/**
 * Keys to state changes and commands, per view. Global keys first; an open prompt or the
 * help takes every key.
 */
import type { TuiController } from './controller.js';
import type { KeyPress } from './key.js';
import { entrySeq, indexAfter } from '../derive/logs.js';
import { filteredTap, selectedIndex } from '../derive/tap.js';
import { topItems } from '../derive/top.js';
import { serviceRows } from '../derive/services.js';
import { BROKER_DOWN_RULE } from '../../core/contracts.js';
import type { EdgeTraffic, RouteTraffic } from '../../core/store/index.js';
import { STATUS_CLASSES, TRAFFIC_MODES, VIEWS, type UiState } from './ui-state.js';

export function handleKey(c: TuiController, k: KeyPress): void {
  const ui = c.ui;
  if (k.ctrl && k.input === 'c') return c.quit();
  if (k.ctrl && k.input === 'l') return c.redraw();
  if (ui.prompt) return promptKey(c, k);
  if (ui.help) {
    ui.help = false;
    return;
  }
  ui.notice = null;
  if (k.input === 'q') return c.quit();
  if (k.input === '?') {
    ui.help = true;
    return;
  }
  const n = Number(k.input);
  if (Number.isInteger(n) && n >= 1 && n <= VIEWS.length) return show(c, VIEWS[n - 1]!);
  if (k.tab) return show(c, VIEWS[(VIEWS.indexOf(ui.view) + (k.shift ? VIEWS.length - 1 : 1)) % VIEWS.length]!);
  if (k.input === 's') return c.plainStream();
  if (k.input === 'v') return c.openPager();
  switch (ui.view) {
    case 'services':
      return servicesKey(c, k);
    case 'logs':
      return logsKey(c, k);
    case 'traffic':
      return trafficKey(c, k);
    case 'topics':
      return topicsKey(c, k);
    case 'faults':
      return faultsKey(c, k);
  }
}

function show(c: TuiController, view: (typeof VIEWS)[number]): void {
  c.ui.view = view;
  void c.refreshAsync();
}

function promptKey(c: TuiController, k: KeyPress): void {
  const p = c.ui.prompt!;
  if (k.escape) return c.prompt(null);
  if (p.kind === 'choice') {
    if (k.input in p.choices) {
      c.prompt(null);
      p.choose(k.input);
    }
    return;
  }
  if (k.return) {
    c.prompt(null);
    return p.submit(p.text);
  }
  if (k.backspace || k.delete) p.text = p.text.slice(0, -1);
  else if (k.input && !k.ctrl && !k.upArrow && !k.downArrow) p.text += k.input.replace(/[\u0000-\u001f\u007f]/g, '');
}

/** ↑ ↓ PgUp PgDn Home End as a move of a selection index. */
function moved(k: KeyPress, index: number, length: number, page = 10): number {
  let i = index;
  if (k.upArrow) i--;
  else if (k.downArrow) i++;
  else if (k.pageUp) i -= page;
  else if (k.pageDown) i += page;
  else if (k.home) i = 0;
  else if (k.end) i = length - 1;
  return Math.max(0, Math.min(i, length - 1));
}

function servicesKey(c: TuiController, k: KeyPress): void {
  const s = c.store.getSnapshot();
  const rows = serviceRows(s);
  c.ui.services.selected = moved(k, c.ui.services.selected, rows.length);
  const row = rows[c.ui.services.selected];
  if (!row) return;
  const name = row.service.name;
  if (k.input === 'r') c.command(`restart ${name}`, () => c.control.restart(name));
  else if (k.input === 'x') {
    const stopped = row.service.instances.every((i) => i.state === 'stopped' || i.state === 'exited');
    c.command(`${stopped ? 'start' : 'stop'} ${name}`, () => (stopped ? c.control.start(name) : c.control.stop(name)));
  } else if (k.input === 'l' || k.return) {
    c.ui.logs.service = name;
    c.ui.logs.anchorSeq = null;
    show(c, 'logs');
  } else if (k.input === 't') {
    c.ui.traffic.service = name;
    c.ui.traffic.mode = 'tap';
    show(c, 'traffic');
  } else if (k.input === 'f') c.faultForm({ caller: '*', callee: name });
}

function logsKey(c: TuiController, k: KeyPress): void {
  const ui = c.ui.logs;
  const s = c.store.getSnapshot();
  if (k.leftArrow || k.rightArrow) {
    const names = [null, ...s.services.map((x) => x.name)];
    const at = names.indexOf(ui.service);
    ui.service = names[(at + (k.rightArrow ? 1 : names.length - 1)) % names.length] ?? null;
    ui.anchorSeq = null;
    return;
  }
  if (k.input === '/') return c.prompt({ kind: 'text', label: 'filter (text or /regex/)', text: ui.filter, submit: (t) => { ui.filter = t; ui.anchorSeq = null; c.changed(); } });
  if (k.escape) {
    ui.filter = '';
    ui.anchorSeq = null;
    return;
  }
  if (k.input === 'j') {
    ui.json = !ui.json;
    return;
  }
  if (k.end || k.input === 'G') {
    ui.anchorSeq = null;
    return;
  }
  const step = k.upArrow ? -1 : k.downArrow ? 1 : k.pageUp ? -15 : k.pageDown ? 15 : k.home ? -Infinity : 0;
  if (step === 0) return;
  const { entries } = c.frameEntries();
  if (entries.length === 0) return;
  const end = ui.anchorSeq === null ? entries.length : indexAfter(entries, ui.anchorSeq);
  const next = Math.max(1, Math.min(entries.length, end + (step === -Infinity ? -entries.length : step)));
  ui.anchorSeq = next >= entries.length ? null : entrySeq(entries[next - 1]!);
}

/**
 * A top row's own calls, as k9s drills into a resource: the tap filtered to its callee, and
 * to its path when the route is one literal path (one with :id stands for many).
 */
function drillIntoTap(ui: UiState['traffic'], item: EdgeTraffic | RouteTraffic | undefined): void {
  if (!item) return;
  Object.assign(ui, { mode: 'tap', service: item.callee, status: 'all', path: 'route' in item && !item.route.includes(':id') ? item.route : '', paused: null, selectedSeq: null, detail: false });
}

function trafficKey(c: TuiController, k: KeyPress): void {
  const ui = c.ui.traffic;
  const s = c.store.getSnapshot();
  if (k.input === 'm') {
    ui.mode = TRAFFIC_MODES[(TRAFFIC_MODES.indexOf(ui.mode) + 1) % TRAFFIC_MODES.length]!;
    return;
  }
  if (k.input === 'f') {
    const edge = c.selectedEdge();
    return edge ? c.faultForm(edge) : c.notice('select a call or an edge first', 'error');
  }
  if (k.input === 'c') return c.toggleCapture();
  if (ui.mode === 'top') {
    if (k.return) return drillIntoTap(ui, topItems(s)[ui.topSelected]);
    ui.topSelected = moved(k, ui.topSelected, topItems(s).length);
    return;
  }
  if (ui.mode !== 'tap') return;
  if (k.input === ' ') {
    ui.paused = ui.paused ? null : s.tap.items;
    if (!ui.paused) ui.selectedSeq = null;
    return;
  }
  if (k.leftArrow || k.rightArrow) {
    const names = [null, 'gateway', ...s.services.map((x) => x.name)];
    const at = names.indexOf(ui.service);
    ui.service = names[(at + (k.rightArrow ? 1 : names.length - 1)) % names.length] ?? null;
    return;
  }
  if (k.input === 'e') {
    ui.status = STATUS_CLASSES[(STATUS_CLASSES.indexOf(ui.status) + 1) % STATUS_CLASSES.length]!;
    return;
  }
  if (k.input === '/') return c.prompt({ kind: 'text', label: 'path contains', text: ui.path, submit: (t) => { ui.path = t; c.changed(); } });
  if (k.escape) {
    if (ui.detail) ui.detail = false;
    else Object.assign(ui, { service: null, status: 'all', path: '' });
    return;
  }
  if (k.return) {
    ui.detail = !ui.detail;
    ui.detailTop = 0;
    if (ui.detail) void c.refreshCaptured().catch(() => undefined);
    return;
  }
  // with a call open, the pages scroll its detail (headers, bodies, log lines) and ↑↓ still select
  if (ui.detail && (k.pageUp || k.pageDown)) {
    ui.detailTop = Math.max(0, ui.detailTop + (k.pageDown ? 10 : -10));
    return;
  }
  const tap = filteredTap(s, ui);
  if (tap.length === 0) return;
  const at = selectedIndex(tap, ui.selectedSeq);
  const next = moved(k, at, tap.length);
  if (next !== at) {
    ui.selectedSeq = next === tap.length - 1 && !ui.paused && !ui.detail ? null : tap[next]!.seq;
    ui.detailTop = 0;
  }
}

function topicsKey(c: TuiController, k: KeyPress): void {
  const s = c.store.getSnapshot();
  const before = c.ui.topics.selected;
  c.ui.topics.selected = moved(k, before, s.broker.topics.length);
  if (c.ui.topics.selected !== before) void c.refreshTail();
  const topic = s.broker.topics[c.ui.topics.selected];
  if (k.input === 'j') c.ui.topics.json = !c.ui.topics.json;
  else if (k.input === 'n') {
    if (topic) c.produceForm(topic.name);
    else c.notice('no topic to produce to', 'error');
  }
}

function faultsKey(c: TuiController, k: KeyPress): void {
  const s = c.store.getSnapshot();
  c.ui.faults.selected = moved(k, c.ui.faults.selected, s.faults.length);
  const rule = s.faults[c.ui.faults.selected];
  if (k.input === 'f') c.faultFormTyped();
  else if (k.input === 'x' && rule) c.command(`clear ${rule.id}`, () => c.control.clearFault(rule.id));
  else if (k.input === 'X') c.command('clear every fault', () => c.control.clearFaults());
  else if (k.input === 'b') {
    const down = s.broker.state === 'down' || s.faults.some((f) => f.id === BROKER_DOWN_RULE);
    c.command(down ? 'broker up' : 'broker down', () => (down ? c.control.brokerUp() : c.control.brokerDown().then(() => undefined)));
  }
}
