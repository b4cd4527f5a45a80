import type { Row } from '../text/row.js';
import { Line } from './Rows.js';

/** The view's keys, a prompt being typed, or what came of the last command. */
export function Footer({ row, color }: { row: Row; color: boolean }) {
  return <Line row={row} color={color} />;
}
