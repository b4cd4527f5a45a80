import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request the admin API refuses: the status, one sentence saying what is wrong, and a
 * hint saying what to do. Sent as `{error, hint}` JSON.
 */
export class AdminHttpError extends Error {
  readonly status: number;
  readonly hint: string | undefined;
  readonly extra: Record<string, unknown>;

  constructor(status: number, message: string, hint?: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AdminHttpError';
    this.status = status;
    this.hint = hint;
    this.extra = extra;
  }
}

/** Writes a JSON response (pretty-printed: people read it with curl as often as programs do). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

export function sendError(res: ServerResponse, error: AdminHttpError): void {
  sendJson(res, error.status, { error: error.message, ...(error.hint !== undefined ? { hint: error.hint } : {}), ...error.extra });
}

/**
 * Reads a JSON request body of at most `limit` bytes. An empty body is `undefined`.
 * Malformed JSON or an oversized body is an AdminHttpError (400 / 413).
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AdminHttpError(413, `request body is larger than ${limit} bytes`, 'fault rules are small JSON objects; send one rule per request');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new AdminHttpError(400, `the request body is not valid JSON (${detail})`, `send a JSON object with content-type application/json, e.g. {"callee":"user","status":503}`);
  }
}
