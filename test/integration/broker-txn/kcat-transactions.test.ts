/** kcat (librdkafka 2.0.2) -X transactional.id: its produce is one committed transaction, read_committed reads it. */
import { describe, expect, it } from 'vitest';
import { startTestBroker } from '../../helpers/broker.js';
import { describeKcat, kcat } from '../../helpers/kcat.js';
import { itWith } from '../../helpers/tools.js';

const itKcat = itWith('kcat');

describe('kcat transactions against the embedded broker', () => {
  itKcat('a transactional kcat produce commits; a read_committed kcat consumer gets the records, not the marker', async () => {
    const { bootstrap } = await startTestBroker();
    const p = await kcat(bootstrap, ['-P', '-t', 'ktx', '-X', 'transactional.id=kcat-tx'], 'x\ny\n');
    expect(p.exitCode, describeKcat(p)).toBe(0);
    expect(p.stderr).toMatch(/Transaction successfully committed/);
    const c = await kcat(bootstrap, ['-C', '-t', 'ktx', '-o', 'beginning', '-e', '-X', 'isolation.level=read_committed', '-f', '%o:%s\n']);
    expect(c.exitCode, describeKcat(c)).toBe(0);
    expect(c.stdout).toBe('0:x\n1:y\n');
    expect(c.stderr).toMatch(/Reached end of topic ktx \[0\] at offset 3/); // two records and the commit marker
  });
});
