import type { Row } from '../text/row.js';
import { Line } from './Rows.js';

/** The views, the current one highlighted, with counts of crashed services and faults. */
export function Tabs({ row, color }: { row: Row; color: boolean }) {
  return <Line row={row} color={color} />;
}
