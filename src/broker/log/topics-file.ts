/**
 * The topics of a data directory (name, id, partition count, creation time, config overrides) in
 * `topics.json`, replaced atomically (write a temporary file, fsync, rename) on each change.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { TopicInfo } from './contract.js';
import { DataDirError } from './errors.js';

interface TopicsFileV1 {
  version: 1;
  /** `configs` (a topic's overrides) came after version 1's first release: absent means none */
  topics: { name: string; id: string; partitions: number; createdAt: number; configs?: Record<string, string> }[];
}

/** Reads the topics saved in `path` (none when the file is absent). */
export function readTopicsFile(path: string): TopicInfo[] {
  if (!existsSync(path)) return [];
  let parsed: TopicsFileV1;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as TopicsFileV1;
  } catch (error) {
    throw new DataDirError(
      `cannot read the broker's topic list ${path}: ${(error as Error).message}. Fix or delete the file (deleting it forgets every topic).`,
    );
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.topics)) {
    throw new DataDirError(`unknown format of ${path}; it was written by another devmode version. Delete the data directory to start afresh.`);
  }
  return parsed.topics.map((t) => ({
    name: t.name,
    id: Buffer.from(t.id, 'hex'),
    partitions: t.partitions,
    createdAt: t.createdAt,
    configs: t.configs ?? {},
  }));
}

/** Saves `topics` to `path` atomically. */
export function writeTopicsFile(path: string, topics: Iterable<TopicInfo>): void {
  const content: TopicsFileV1 = {
    version: 1,
    topics: [...topics].map((t) => ({
      name: t.name,
      id: t.id.toString('hex'),
      partitions: t.partitions,
      createdAt: t.createdAt,
      ...(Object.keys(t.configs).length > 0 ? { configs: { ...t.configs } } : {}),
    })),
  };
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(content, null, 2));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
