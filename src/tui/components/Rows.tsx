import { Box, Text } from 'ink';
import type { Row } from '../text/row.js';

/** Lines of styled segments, one <Text> each, never wrapping (derive/ fitted them). */
export function Rows({ rows }: { rows: readonly Row[] }) {
  return (
    <Box flexDirection="column">
      {rows.map((row, i) => (
        <Line key={i} row={row} />
      ))}
    </Box>
  );
}

export function Line({ row }: { row: Row }) {
  // an empty Text takes no line in Ink: keep the row
  if (row.every((s) => s.text === '')) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {row.map((s, i) => (
        <Text key={i} color={s.color} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
