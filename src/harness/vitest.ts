/**
 * Vitest integration (`devmode/vitest`).
 *
 * One system for the whole run (globalSetup):
 *   // vitest.config.ts: test: { globalSetup: ['test/devmode.setup.ts'] }
 *   // test/devmode.setup.ts
 *   import { systemSetup } from 'devmode/vitest';
 *   export default systemSetup({ file: 'devmode.yaml' });
 *   // a test file
 *   import { useSystem } from 'devmode/vitest';
 *   const system = useSystem();            // attaches to the run's system
 *
 * One system per file: `const system = useSystem({ start: { services: ['order'] } })`.
 *
 * Either way each test gets its own recording (queries and waits start at the test's
 * start), a fault left set fails the test, and a failed test gets a report whose directory
 * is named in its failure message.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { attachSystem, startSystem, type AttachOptions, type StartSystemOptions } from './start-system.js';
import type { DevmodeSystem, HandleOptions } from './system-handle.js';

/** What globalSetup hands to the test files (through `provide`/`inject` and the environment). */
export interface ProvidedSystem {
  adminUrl: string;
  services: Record<string, string>;
  root: string;
  declaredTopics: string[];
}

/** The key under which systemSetup provides the system. */
export const PROVIDE_KEY = 'devmode';

interface VitestHooks {
  beforeAll(fn: () => unknown, timeout?: number): void;
  afterAll(fn: () => unknown, timeout?: number): void;
  beforeEach(fn: (ctx: TestContextLike) => unknown, timeout?: number): void;
  afterEach(fn: (ctx: TestContextLike) => unknown, timeout?: number): void;
  inject(key: string): unknown;
}
interface TestContextLike {
  task: { name: string; suite?: { name: string } | undefined; file?: { name: string } | undefined; result?: { state?: string; errors?: { message: string; stack?: string }[] } | undefined };
}

/**
 * The test run's vitest module: the one the project installed, resolved from the current
 * directory (where vitest runs), not devmode's own copy, so the hooks land in the runner
 * that runs the tests even when devmode is linked from elsewhere.
 */
async function loadVitest(): Promise<VitestHooks> {
  let specifier = 'vitest';
  try {
    // require.resolve would pick the CommonJS entry; the ESM one is in the package's exports
    const manifest = createRequire(path.join(process.cwd(), 'package.json')).resolve('vitest/package.json');
    const { exports } = JSON.parse(await readFile(manifest, 'utf8')) as { exports?: Record<string, unknown> };
    const entry = esmEntry(exports?.['.']);
    if (entry) specifier = pathToFileURL(path.join(path.dirname(manifest), entry)).href;
  } catch {
    // not resolvable from here: the usual resolution
  }
  return (await import(specifier)) as VitestHooks;
}

/** The ESM file of an `exports` entry: a string, or its `import` (or `default`) condition. */
function esmEntry(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry === null || typeof entry !== 'object') return undefined;
  const conditions = entry as Record<string, unknown>;
  return esmEntry(conditions.import) ?? esmEntry(conditions.default);
}

// vitest collects hooks synchronously while a test file loads, so its module is loaded here, once
const vitest = await loadVitest();

/**
 * A vitest globalSetup that starts one system for the run, provides it to the test files
 * (inject('devmode') and DEVMODE_ADMIN_URL / SERVICE_<NAME>_URL in their environment) and
 * stops it when the run ends, also when it is interrupted.
 */
export function systemSetup(options: StartSystemOptions = {}) {
  return async function setup(project: { provide?: (key: string, value: unknown) => void }): Promise<() => Promise<void>> {
    const system = await startSystem({ ...options, isolate: options.isolate ?? true });
    const provided: ProvidedSystem = {
      adminUrl: system.urls.admin,
      services: { ...system.urls.services },
      root: options.file ? path.dirname(path.resolve(options.file)) : process.cwd(),
      declaredTopics: system.snapshot().broker.topics.map((t) => t.name),
    };
    project.provide?.(PROVIDE_KEY, provided);
    // workers are forked after globalSetup: they inherit these
    process.env.DEVMODE_ADMIN_URL = provided.adminUrl;
    process.env.DEVMODE_SYSTEM = JSON.stringify(provided);
    return () => system.stop();
  };
}

export interface UseSystemOptions extends HandleOptions {
  /** start a system for this file (per-file pattern) instead of attaching to the run's */
  start?: StartSystemOptions;
  /** attach to this devmode instead of the run's (e.g. one `devmode up` runs in another terminal) */
  attach?: AttachOptions;
  /** reset() before each test (default true): fully for a system started for the file, else this file's faults and the recording */
  reset?: boolean;
}

/**
 * The system for this test file: attached to the run's (globalSetup), to a given devmode,
 * or started for the file. Usable in tests (after beforeAll); hooks record each test apart.
 */
export function useSystem(options: UseSystemOptions = {}): DevmodeSystem {
  let current: DevmodeSystem | undefined;
  const handle = new Proxy({} as DevmodeSystem, {
    get(_target, key) {
      if (!current) throw new Error('devmode: the system is not ready yet; use it inside tests or hooks, after useSystem() registered its beforeAll');
      const value = Reflect.get(current, key, current) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
  {
    vitest.beforeAll(async () => {
      current = options.start ? await startSystem({ ...options, ...options.start }) : await attachSystem({ ...options, ...provided(vitest), ...options.attach });
    }, 120_000);
    vitest.afterAll(async () => {
      await current?.stop();
    }, 60_000);
    vitest.beforeEach(async (ctx) => {
      if (!current) return;
      // a system of this file's own is reset fully; one shared with other files only as far as this file's doing
      if (options.reset !== false) await current.reset(options.start ? { faults: 'all', broker: true } : {});
      await current.beginTest(testName(ctx));
    });
    vitest.afterEach(async (ctx) => {
      if (!current) return;
      const result = ctx.task.result;
      const failed = result?.state === 'fail';
      const { report } = await current.endTest({ failed, error: result?.errors?.[0] });
      // a devmode wait's message names it already; other failures get it appended
      if (report && result?.errors) for (const error of result.errors) if (!error.message.includes(report)) error.message += `\n\ndevmode report: ${report}`;
    });
  }
  return handle;
}

function provided(vitest: VitestHooks): AttachOptions {
  let value: ProvidedSystem | undefined;
  try {
    value = vitest.inject(PROVIDE_KEY) as ProvidedSystem | undefined;
  } catch {
    value = undefined;
  }
  if (!value && process.env.DEVMODE_SYSTEM) value = JSON.parse(process.env.DEVMODE_SYSTEM) as ProvidedSystem;
  if (!value) return {};
  return { adminUrl: value.adminUrl, services: value.services, root: value.root, declaredTopics: value.declaredTopics };
}

function testName(ctx: TestContextLike): string {
  const file = ctx.task.file?.name ? `${path.basename(ctx.task.file.name).replace(/(\.(test|spec))?\.[cm]?[jt]sx?$/, '')} ` : '';
  const suite = ctx.task.suite?.name ? `${ctx.task.suite.name} ` : '';
  return `${file}${suite}${ctx.task.name}`.trim();
}
