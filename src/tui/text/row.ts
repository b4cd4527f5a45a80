/**
 * What the TUI's components draw: lines made of styled segments, computed outside React
 * (derive/) so a render only maps them to <Text>. A line never wraps: the derive step
 * fits it to the width.
 */
export interface Seg {
  readonly text: string;
  readonly color?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
}

export type Row = readonly Seg[];

export function seg(text: string, style: Omit<Seg, 'text'> = {}): Seg {
  return { text, ...style };
}

/** A row's text without styles (for the pager and tests). */
export function rowText(row: Row): string {
  return row.map((s) => s.text).join('');
}

/** The row with every segment inverted (the selected line). */
export function selected(row: Row): Row {
  return row.map((s) => ({ ...s, inverse: true }));
}

/** `rows` cut or padded with empty rows to exactly `height`. */
export function exactly(rows: readonly Row[], height: number): Row[] {
  const out = rows.slice(0, Math.max(0, height));
  while (out.length < height) out.push([]);
  return out;
}
