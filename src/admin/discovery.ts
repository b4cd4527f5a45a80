import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What a running devmode writes next to its config (`.devmode/admin.json`) so that
 * `devmode wait`/`events`/`status` run in the same directory find its admin API even when
 * the default port was taken and another was chosen.
 */
export interface AdminRecord {
  url: string;
  pid: number;
  /** the system's name */
  name: string;
  startedAt: number;
}

/** `<root>/.devmode/admin.json` */
export function adminRecordPath(root: string): string {
  return path.join(root, '.devmode', 'admin.json');
}

/** Writes the record atomically (rename), creating the directory. */
export async function writeAdminRecord(file: string, record: AdminRecord): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(record, null, 2) + '\n');
  await rename(temp, file);
}

/** Removes the record if it is still this process's (another devmode may have replaced it). */
export async function removeAdminRecord(file: string, pid: number = process.pid): Promise<void> {
  const record = await readAdminRecord(file, { checkAlive: false });
  if (record && record.pid === pid) await rm(file, { force: true });
}

/**
 * The record, or undefined when there is none, it is malformed, or (with checkAlive, the
 * default) the process that wrote it is gone (a devmode killed with SIGKILL leaves it behind).
 */
export async function readAdminRecord(file: string, options: { checkAlive?: boolean } = {}): Promise<AdminRecord | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const r = parsed as Partial<AdminRecord>;
  if (typeof r.url !== 'string' || typeof r.pid !== 'number') return undefined;
  if (options.checkAlive !== false && !isAlive(r.pid)) return undefined;
  return { url: r.url, pid: r.pid, name: typeof r.name === 'string' ? r.name : '', startedAt: typeof r.startedAt === 'number' ? r.startedAt : 0 };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
