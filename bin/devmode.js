#!/usr/bin/env node
// The CLI lives in src/cli (compiled to dist by `npm run build`, which `npm ci` runs).
import '../dist/cli/main.js';
