/**
 * A throw-away copy of sample-system for the reload benchmark, so edits never touch the
 * repository. The copy's order service gets a `VERSION` constant sent as an `x-version`
 * header on every response; an "edit" rewrites that constant, as a developer saving a
 * change would, and the first response carrying the new value shows it is served.
 */
import { cp, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, SAMPLE_ROOT } from './startup-config.js';

export const VERSION_HEADER = 'x-version';
const VERSION_LINE = /^const VERSION = '[^']*';$/m;

export class SampleCopy {
  readonly root: string;
  readonly orderFile: string;
  /** the patched source, kept so an edit is a single write */
  #source = '';

  private constructor(root: string) {
    this.root = root;
    this.orderFile = path.join(root, 'order', 'server.mjs');
  }

  /** Copies sample-system into `dir/sample-system`, with the repository's node_modules reachable. */
  static async create(dir: string): Promise<SampleCopy> {
    const copy = new SampleCopy(path.join(dir, 'sample-system'));
    await cp(SAMPLE_ROOT, copy.root, { recursive: true });
    // The services import kafkajs and ws; Node finds them by walking up to dir/node_modules.
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const source = await readFile(copy.orderFile, 'utf8');
    const headers = `'content-type': 'application/json',`;
    if (!source.includes(headers) || !source.includes(`const TOPIC = 'orders';`)) {
      throw new Error(`sample-system/order/server.mjs changed shape: the reload bench cannot add its version header (looked for ${headers})`);
    }
    const patched = source
      .replace(`const TOPIC = 'orders';`, `const TOPIC = 'orders';\nconst VERSION = 'v0';`)
      .replace(headers, `${headers} '${VERSION_HEADER}': VERSION,`);
    await writeFile(copy.orderFile, patched);
    copy.#source = patched;
    return copy;
  }

  /** Rewrites the VERSION constant in place (one write, as an editor saves). */
  setVersion(version: string): Promise<void> {
    return writeFile(this.orderFile, this.#source.replace(VERSION_LINE, `const VERSION = '${version}';`));
  }
}
