// Bundles the compiled CLI (dist/) into two files in dist/bundle/: the CLI and the broker's
// worker, side by side, since the CLI finds the worker next to itself.
// Why: loading ~250 small modules cost ~230 ms of devmode's start-up; one file ~80 ms
// (measured with `node -e "import(...)"`, see README "Measured figures").
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

// Chunk names carry a hash: chunks of earlier builds would pile up.
await rm('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: {
    main: 'dist/cli/main.js',
    'worker-main': 'dist/broker/worker/worker-main.js',
  },
  outdir: 'dist/bundle',
  bundle: true,
  // Code loaded by import() only (the TUI: ink, React and yoga's WebAssembly) goes to chunks
  // of its own, so the processes that never draw (devmode up's own, with or without its TUI
  // child; devmode kafka; the harness) do not load it: ~30 MB of memory each.
  splitting: true,
  // Beside main.js: code that finds files next to itself (the broker worker) finds them from a chunk too.
  chunkNames: '[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // Native bindings, packages loaded only in container/external modes, and kafkajs, whose
  // internals record-fetcher.ts requires by path, stay in node_modules.
  external: ['@node-rs/crc32', 'testcontainers', '@testcontainers/kafka', 'kafkajs', 'ink', 'react'],
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: { js: "import { createRequire as __devmodeRequire } from 'node:module'; const require = __devmodeRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
