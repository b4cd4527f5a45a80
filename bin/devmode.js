#!/usr/bin/env node
// The CLI lives in src/cli; `npm run build` (which `npm ci` runs) compiles it to dist and
// bundles it into dist/bundle/main.js, which loads much faster than the separate modules.
// The Node version is checked first, in syntax every Node parses, so an old Node gets one
// line instead of a crash deep in an import (the import below is dynamic for that reason).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(`devmode needs Node 22.22 or newer; this is Node ${process.versions.node}\n`);
  process.exit(1);
}
// Node keeps the code it compiled for devmode's bundle on disk (in the OS's temp directory;
// NODE_COMPILE_CACHE moves it, NODE_DISABLE_COMPILE_CACHE=1 turns it off): compiling the
// bundle was ~70 ms of every start. This Node instance only: services do not inherit it.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
await import('../dist/bundle/main.js');
