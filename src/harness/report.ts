import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StoreSnapshot } from '../core/store/index.js';
import type { Message } from './broker-reader.js';
import type { Call } from './calls.js';
import { describeFaults } from './explain.js';
import type { TextRedactor } from './redact-text.js';

/** Where reports go: $DEVMODE_REPORT_DIR, else `.devmode/reports` under the config's directory. */
export function reportRoot(configRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DEVMODE_REPORT_DIR;
  return dir ? path.resolve(dir) : path.join(configRoot, '.devmode', 'reports');
}

/** A directory name from a test's name: readable, safe on every file system, bounded. */
export function reportName(test: string): string {
  const slug = test
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  return slug || 'test';
}

export interface ReportInput {
  dir: string;
  test: string;
  /** why it failed (the error's message), or null when written on request for a passing test */
  failure: string | null;
  snapshot: StoreSnapshot;
  calls: readonly Call[];
  messages: ReadonlyMap<string, readonly Message[]>;
  /** logs from this time on (the test's start) */
  since: number;
  /** the services whose logs are written (absent: every one) */
  services?: readonly string[] | undefined;
  redactor: TextRedactor;
}

/**
 * Writes one test's report: summary.txt (what failed, counts, the faults), calls.jsonl
 * (one recorded call per line), messages/<topic>.jsonl, logs/<instance>.log (the lines
 * since the test began) and faults.json, every text redacted. Replaces an older report of
 * the same test. Resolves with the directory.
 */
export async function writeReport(input: ReportInput): Promise<string> {
  const { dir, redactor } = input;
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'logs'), { recursive: true });
  await mkdir(path.join(dir, 'messages'), { recursive: true });
  const jsonl = (rows: readonly unknown[]) => rows.map((row) => JSON.stringify(redactor.redactDeep(row))).join('\n') + (rows.length ? '\n' : '');
  await writeFile(path.join(dir, 'calls.jsonl'), jsonl(input.calls));
  for (const [topic, messages] of input.messages) {
    await writeFile(path.join(dir, 'messages', `${reportName(topic)}.jsonl`), jsonl(messages.map(({ json: _json, ...m }) => m)));
  }
  const logFiles: string[] = [];
  for (const service of input.snapshot.services) {
    if (input.services && !input.services.includes(service.name)) continue;
    for (const instance of service.instances) {
      const lines = (input.snapshot.logs.byInstance[instance.key]?.items ?? []).filter((l) => l.ts >= input.since);
      const text = lines.map((l) => `${new Date(l.ts).toISOString()} ${l.stream === 'stderr' ? 'ERR' : 'OUT'} ${redactor.redact(l.text)}`).join('\n');
      await writeFile(path.join(dir, 'logs', `${reportName(instance.key)}.log`), text + (text ? '\n' : ''));
      logFiles.push(instance.key);
    }
  }
  await writeFile(path.join(dir, 'faults.json'), JSON.stringify(redactor.redactDeep(input.snapshot.faults), null, 2) + '\n');
  const summary = [
    `test: ${input.test}`,
    input.failure === null ? 'passed (report written on request)' : `failed:\n${indent(redactor.redact(input.failure))}`,
    '',
    `calls since the test began: ${input.calls.length} (calls.jsonl)`,
    `messages since the test began: ${[...input.messages].map(([t, m]) => `${t} ${m.length}`).join(', ') || 'none'} (messages/)`,
    `logs: ${logFiles.join(', ') || 'none'} (logs/)`,
    ...describeFaults(input.snapshot.faults),
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'summary.txt'), summary);
  return dir;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
