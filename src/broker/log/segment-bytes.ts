/**
 * Where one segment's bytes live: a growable buffer in memory, or an append-only file.
 *
 * Durability of the file variant: each append is one `fs.writeSync` to the segment's open
 * file, done before the produce is acknowledged. What is acknowledged is therefore in the
 * OS page cache: a devmode crash (even kill -9) loses nothing, a machine crash or power
 * loss may lose the last seconds. `sync()` (called on close) forces it to disk.
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, readSync, renameSync, unlinkSync, utimesSync, writeSync } from 'node:fs';

/** Suffix of a compacted segment being written; recovery deletes leftovers of a crash. */
export const CLEANED_SUFFIX = '.cleaned';

/**
 * Replaces a segment file's content with `batches`, atomically: written to `<path>.cleaned`,
 * fsynced, renamed over the segment, mtime set back to `lastAppendAt` (age retention and
 * tombstone expiry go by it after a restart). Closes `old`; returns the new file's bytes.
 */
export function replaceSegmentFile(old: SegmentBytes, batches: readonly Buffer[], lastAppendAt: number): FileSegmentBytes {
  if (!(old instanceof FileSegmentBytes)) throw new Error('replaceSegmentFile needs a file segment');
  const tmp = old.path + CLEANED_SUFFIX;
  const fd = openSync(tmp, 'w');
  let size = 0;
  try {
    for (const b of batches) {
      let written = 0;
      while (written < b.length) written += writeSync(fd, b, written, b.length - written, size + written);
      size += b.length;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const when = new Date(lastAppendAt);
  utimesSync(tmp, when, when);
  renameSync(tmp, old.path);
  old.close();
  return new FileSegmentBytes(old.path, false, size);
}

export interface SegmentBytes {
  readonly size: number;
  /** Appends `data` at the end. */
  append(data: Buffer): void;
  /** `length` bytes from `position`. In memory: a view (never mutate it); on disk: a fresh buffer. */
  read(position: number, length: number): Buffer;
  /** Flushes to stable storage (no-op in memory). */
  sync(): void;
  close(): void;
  /** Closes and deletes the bytes. */
  remove(): void;
}

/** Segment bytes held in one buffer that doubles up to the segment size. */
export class MemorySegmentBytes implements SegmentBytes {
  #buf: Buffer;
  #size = 0;
  readonly #limit: number;

  /** `limit` is the size the buffer may grow to without waste (the segment size). */
  constructor(limit: number) {
    this.#limit = limit;
    this.#buf = Buffer.allocUnsafe(Math.min(limit, 4096));
  }

  get size(): number {
    return this.#size;
  }

  append(data: Buffer): void {
    const need = this.#size + data.length;
    if (need > this.#buf.length) {
      let capacity = this.#buf.length * 2;
      while (capacity < need) capacity *= 2;
      // Older views handed to fetches keep the old buffer alive until they are done: fine,
      // its bytes never change.
      const next = Buffer.allocUnsafe(Math.max(need, Math.min(capacity, this.#limit)));
      this.#buf.copy(next, 0, 0, this.#size);
      this.#buf = next;
    }
    data.copy(this.#buf, this.#size);
    this.#size = need;
  }

  read(position: number, length: number): Buffer {
    return this.#buf.subarray(position, position + length);
  }

  sync(): void {}

  close(): void {}

  remove(): void {
    this.#buf = Buffer.alloc(0);
    this.#size = 0;
  }
}

/** Segment bytes in an append-only file, with its file descriptor kept open. */
export class FileSegmentBytes implements SegmentBytes {
  readonly path: string;
  #fd: number | null;
  #size: number;

  /** Opens `path`: creates it when `create`, else opens the existing file of `size` bytes. */
  constructor(path: string, create: boolean, size = 0) {
    this.path = path;
    this.#fd = openSync(path, create ? 'w+' : 'r+');
    this.#size = create ? 0 : size;
  }

  get size(): number {
    return this.#size;
  }

  #open(): number {
    if (this.#fd === null) throw new Error(`segment ${this.path} is closed`);
    return this.#fd;
  }

  append(data: Buffer): void {
    const fd = this.#open();
    let written = 0;
    while (written < data.length) {
      written += writeSync(fd, data, written, data.length - written, this.#size + written);
    }
    this.#size += data.length;
  }

  read(position: number, length: number): Buffer {
    const fd = this.#open();
    const out = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, out, got, length - got, position + got);
      if (n === 0) throw new Error(`segment ${this.path} is shorter than its index`);
      got += n;
    }
    return out;
  }

  /** Cuts the file to `size` bytes (recovery of a torn tail). */
  truncate(size: number): void {
    ftruncateSync(this.#open(), size);
    this.#size = size;
  }

  sync(): void {
    if (this.#fd !== null) fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd === null) return;
    closeSync(this.#fd);
    this.#fd = null;
  }

  remove(): void {
    this.close();
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}
