/**
 * node:http, loaded the CommonJS way. Every module of devmode takes node:http from here.
 *
 * Why: an ES `import` of node:http (default or named) makes Node build the module's ES
 * facade, which reads every export, and node:http's lazy WebSocket, MessageEvent and
 * CloseEvent getters then compile Node's own bundled undici: ~40 ms on every devmode start
 * (and every CLI command), measured with `node --input-type=module -e "import 'node:http'"`
 * (70-80 ms) against `require('node:http')` (30-40 ms) on Node 24.21. `import type` costs
 * nothing and stays where it is.
 */
import { createRequire } from 'node:module';

export const http: typeof import('node:http') = createRequire(import.meta.url)('node:http');
