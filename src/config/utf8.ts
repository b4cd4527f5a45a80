/**
 * A config file must be UTF-8: bytes that are not (a file saved as Latin-1, say) would
 * reach services as U+FFFD (`caf\uFFFD`) with no word said. Where the first bad byte is,
 * as a line and column like every other config message.
 */
export interface InvalidUtf8 {
  readonly byte: number;
  readonly line: number;
  readonly col: number;
}

const fatal = new TextDecoder('utf-8', { fatal: true });

/** The first byte that is not valid UTF-8, located; undefined when the whole buffer is valid. */
export function findInvalidUtf8(bytes: Uint8Array): InvalidUtf8 | undefined {
  try {
    fatal.decode(bytes);
    return undefined;
  } catch {
    // invalid somewhere: find where (only on this error path)
  }
  const at = firstInvalidOffset(bytes);
  const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
  const col = new TextDecoder().decode(bytes.subarray(lineStart, at)).length + 1;
  return { byte: bytes[at] ?? 0, line, col };
}

/** Offset of the first byte of an invalid or truncated UTF-8 sequence. */
function firstInvalidOffset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}
