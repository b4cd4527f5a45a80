#!/usr/bin/env node
// The CLI lives in src/cli; `npm run build` (which `npm ci` runs) compiles it to dist and
// bundles it into dist/bundle/main.js, which loads much faster than the separate modules.
import '../dist/bundle/main.js';
