import { Box, Text } from 'ink';
import type { Row } from '../text/row.js';
import { withoutColors } from '../text/sanitize.js';

/** Lines of styled segments, one <Text> each, never wrapping (derive/ fitted them). */
export function Rows({ rows, color }: { rows: readonly Row[]; color: boolean }) {
  return (
    <Box flexDirection="column">
      {rows.map((row, i) => (
        <Line key={i} row={row} color={color} />
      ))}
    </Box>
  );
}

/**
 * One line. Without `color` (NO_COLOR, https://no-color.org) no colour reaches the
 * terminal, neither devmode's nor a service's own: states stay apart by their symbol and
 * word, the selection by inverse video.
 */
export function Line({ row, color }: { row: Row; color: boolean }) {
  // an empty Text takes no line in Ink: keep the row
  if (row.every((s) => s.text === '')) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {row.map((s, i) => (
        <Text key={i} color={color ? s.color : undefined} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>
          {color ? s.text : withoutColors(s.text)}
        </Text>
      ))}
    </Text>
  );
}
