/** Short figures for narrow columns. Pure; the TUI's derive step calls them, never a render. */

/** 45s, 12m, 3h12m, 2d4h */
export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? String(s % 60).padStart(2, '0') + 's' : ''}`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

/** 812B, 48M, 1.2G */
export function bytes(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  if (n < 1024) return `${Math.round(n)}B`; // a rate (bytes per second) is not whole
  const units = ['K', 'M', 'G', 'T'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)}${units[u]}`;
}

/** 0.4ms, 12ms, 1.3s */
export function latency(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(1)}s`;
}

/** 0, 3.5, 120, 4.1k */
export function rate(n: number): string {
  if (!Number.isFinite(n) || n === 0) return '0';
  if (n < 10) return n.toFixed(1);
  if (n < 10_000) return String(Math.round(n));
  return `${(n / 1000).toFixed(1)}k`;
}

/** 12:03:04 (local time) */
export function clock(ts: number): string {
  const d = new Date(ts);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
}

/** `text` padded or cut (with …) to exactly `width` characters. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : text.slice(0, width - 1) + '…';
  return text + ' '.repeat(width - text.length);
}

/** `text` right-aligned in `width`. */
export function right(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width) : ' '.repeat(width - text.length) + text;
}
