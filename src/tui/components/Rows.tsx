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
  if (row.length === 0) return <Text> </Text>;
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
