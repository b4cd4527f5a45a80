import http, { type IncomingMessage } from 'node:http';
import { onTestFinished } from 'vitest';

/** A `GET /events` client that collects what arrives, for tests. */
export interface StreamReader {
  res: IncomingMessage;
  /** everything received so far, as text */
  readonly text: string;
  /** complete lines received so far (blank lines kept, for SSE) */
  lines(): string[];
  /** resolves when `predicate(text)` holds; rejects after timeoutMs */
  until(predicate: (text: string) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function openStream(url: string, headers: Record<string, string> = {}): Promise<StreamReader> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let text = '';
      const waiters = new Set<() => void>();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        for (const w of waiters) w();
      });
      res.on('error', () => {});
      const reader: StreamReader = {
        res,
        get text() {
          return text;
        },
        lines: () => text.split('\n').slice(0, -1),
        until: (predicate, timeoutMs = 5000) =>
          new Promise<void>((ok, fail) => {
            if (predicate(text)) return ok();
            const check = () => {
              if (!predicate(text)) return;
              waiters.delete(check);
              clearTimeout(timer);
              ok();
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`stream did not match within ${timeoutMs} ms; got:\n${text.slice(-2000)}`));
            }, timeoutMs);
            waiters.add(check);
          }),
        close: () => req.destroy(),
      };
      onTestFinished(() => reader.close());
      resolve(reader);
    });
    req.on('error', reject);
  });
}
