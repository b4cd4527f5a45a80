import type { Row } from '../text/row.js';
import { Rows } from './Rows.js';

/** The current view (Services, Logs, Traffic, Topics, Faults) or the help over it, as derived for this frame. */
export function Body({ rows }: { rows: readonly Row[] }) {
  return <Rows rows={rows} />;
}
