import type { Row } from '../text/row.js';
import { Rows } from './Rows.js';

/** System, gateway, broker; ready/total, req/s, errors. */
export function Header({ rows, color }: { rows: readonly Row[]; color: boolean }) {
  return <Rows rows={rows} color={color} />;
}
