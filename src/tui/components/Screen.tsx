import { Box } from 'ink';
import type { Frame } from '../derive/frame.js';
import { Body } from './Body.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { Tabs } from './Tabs.js';

/** One frame: header, tabs, the view (or the help), footer; exactly the terminal's size. */
export function Screen({ frame }: { frame: Frame }) {
  return (
    <Box flexDirection="column" width={frame.width} height={frame.height} overflow="hidden">
      <Header rows={frame.header} color={frame.color} />
      <Tabs row={frame.tabs} color={frame.color} />
      <Body rows={frame.help ?? frame.body} color={frame.color} />
      <Footer row={frame.footer} color={frame.color} />
    </Box>
  );
}
