import type { EdgeTraffic, RouteTraffic, StoreSnapshot } from '../../core/store/index.js';
import { fit, latency, rate, right } from '../text/format.js';
import { seg, selected, type Row } from '../text/row.js';
import { sparkline } from '../text/sparkline.js';

/** The rows of the top table: edges (busiest first), then routes; one selectable row each. */
export function topItems(s: StoreSnapshot): (EdgeTraffic | RouteTraffic)[] {
  return [...s.traffic.edges, ...s.traffic.routes];
}

/** Rate, errors, p50/p95/p99 and a sparkline of requests per minute, per edge and per route. */
export function topRows(s: StoreSnapshot, sel: number, width: number, height: number): Row[] {
  const spark = Math.max(0, Math.min(30, width - 72));
  const nameWidth = Math.max(16, width - 6 - 1 - 5 - 1 - 7 * 3 - 3 - spark - 2);
  const sparkTitle = [`LAST ${spark} MIN`, `${spark} MIN`, 'MIN'].find((t) => t.length <= spark) ?? '';
  const head = (title: string) => [seg(fit(`${fit(title, nameWidth)} ${right('REQ/S', 6)} ${right('ERR', 5)} ${right('P50', 7)} ${right('P95', 7)} ${right('P99', 7)}  ${sparkTitle}`, width), { bold: true, dim: true })];
  // `edge`: a route's caller and callee, dimmed after it (routes are counted per edge), when
  // it fits whole: the route itself comes first (enter shows its calls, which name both ends)
  const line = (name: string, x: EdgeTraffic | RouteTraffic, index: number, edge = ''): Row => {
    // p99 is 0 only with no timed call in the window (an edge that saw only a WebSocket open;
    // the first bucket is under 10 µs, which no call through devmode takes)
    const timed = x.requests > 0 && x.p99 > 0 && !('method' in x && x.method === 'WS');
    const row: Row = [
      ...(edge === '' || name.length + 2 + edge.length > nameWidth
        ? [seg(fit(name, nameWidth) + ' ')]
        : [seg(`${name}  `), seg(fit(edge, nameWidth - name.length - 2) + ' ', { color: 'gray' })]),
      seg(right(rate(x.ratePerSec), 6) + ' '),
      seg(right(String(x.errors), 5) + ' ', { color: x.errors > 0 ? 'red' : 'gray' }),
      // no call in the window, or a WebSocket (open for as long as it lasts): no latency to tell, not 0 ms
      seg(right(timed ? latency(x.p50) : '-', 7) + ' '),
      seg(right(timed ? latency(x.p95) : '-', 7) + ' '),
      seg(right(timed ? latency(x.p99) : '-', 7) + '  ', { color: x.p99 > 500 ? 'yellow' : undefined }),
      ...(spark > 0 ? [seg(sparkline(x.series.requests, spark), { color: x.errors > 0 ? 'red' : 'cyan' })] : []),
    ];
    return index === sel ? selected(row) : row;
  };
  const rows: Row[] = [head(`EDGES (last ${s.traffic.windowSec}s)`)];
  const edges = s.traffic.edges;
  const routes = s.traffic.routes;
  const edgeRoom = Math.max(1, Math.min(edges.length, Math.floor((height - 3) / 2)));
  const edgeFirst = Math.max(0, Math.min(sel - edgeRoom + 1, edges.length - edgeRoom));
  edges.slice(edgeFirst, edgeFirst + edgeRoom).forEach((e, i) => rows.push(line(`${e.caller} -> ${e.callee}`, e, edgeFirst + i)));
  if (edges.length === 0) rows.push([seg('  no traffic in the window', { color: 'gray' })]);
  rows.push([seg('')], head('ROUTES'));
  const routeRoom = Math.max(1, height - rows.length);
  const rsel = sel - edges.length;
  const routeFirst = Math.max(0, Math.min(rsel - routeRoom + 1, routes.length - routeRoom));
  routes.slice(routeFirst, routeFirst + routeRoom).forEach((r, i) => rows.push(line(`${r.method} ${r.route}`, r, edges.length + routeFirst + i, `${r.caller} -> ${r.callee}`)));
  return rows;
}

/** Observed edges beside the declared ones: calls not declared in depends_on, declarations never used. */
export function topologyRows(s: StoreSnapshot, width: number): Row[] {
  const t = s.topology;
  const undeclared = new Set(t.undeclared.map((e) => `${e.from}>${e.to}`));
  const rows: Row[] = [[seg(fit('OBSERVED (calls, produce, consume)                 DECLARED?', width), { bold: true, dim: true })]];
  for (const e of t.observed) {
    const isUndeclared = undeclared.has(`${e.from}>${e.to}`);
    rows.push([
      seg(fit(`  ${e.from} ${arrow(e.kind)} ${e.to}`, 40) + ' '),
      seg(fit(e.kind, 8) + ' ', { color: 'gray' }),
      seg(isUndeclared ? 'not in depends_on' : e.kind === 'http' || e.kind === 'ws' ? 'declared' : '', { color: isUndeclared ? 'yellow' : 'green' }),
    ]);
  }
  if (t.observed.length === 0) rows.push([seg('  nothing observed yet', { color: 'gray' })]);
  if (t.unused.length > 0) {
    rows.push([seg('')], [seg('DECLARED, NOT SEEN', { bold: true, dim: true })]);
    for (const e of t.unused) rows.push([seg(`  ${e.from} -> ${e.to}`, { color: 'gray' })]);
  }
  return rows;
}

function arrow(kind: string): string {
  return kind === 'produce' ? '=>' : kind === 'consume' ? '=>' : '->';
}
