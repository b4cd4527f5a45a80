/**
 * Renders a record's key, value or header bytes for display: UTF-8 text, pretty JSON when
 * the bytes are JSON, or a hex preview for binary data. Bounded, so one huge record cannot
 * flood a view.
 */

/** Longest rendering returned; longer ones end with "…". */
export const MAX_RENDERED_CHARS = 4096;
const HEX_PREVIEW_BYTES = 64;

function looksBinary(text: string): boolean {
  // U+FFFD marks invalid UTF-8; control characters other than whitespace mean binary.
  // eslint-disable-next-line no-control-regex
  return text.includes('\uFFFD') || /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Hex preview: the first bytes as pairs, with the total size when cut. */
export function hexPreview(bytes: Buffer): string {
  const shown = bytes.subarray(0, HEX_PREVIEW_BYTES).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return bytes.length > HEX_PREVIEW_BYTES ? `hex ${shown} … (${bytes.length} bytes)` : `hex ${shown}`;
}

/** Text, pretty JSON or a hex preview of `bytes`; null stays null. */
export function renderBytes(bytes: Buffer | null, max = MAX_RENDERED_CHARS): string | null {
  if (bytes === null) return null;
  if (bytes.length === 0) return '';
  const text = bytes.toString('utf8');
  if (looksBinary(text)) return hexPreview(bytes);
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      return clip(JSON.stringify(JSON.parse(text), null, 2), max);
    } catch {
      // not JSON after all: shown as text
    }
  }
  return clip(text, max);
}
