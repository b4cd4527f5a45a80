import type { Row } from '../text/row.js';
import { Rows } from './Rows.js';

/** The current view (Services, Logs, Traffic, Topics, Faults) or the help over it, as derived for this frame. */
export function Body({ rows, color }: { rows: readonly Row[]; color: boolean }) {
  return <Rows rows={rows} color={color} />;
}
