export { Harness, type HarnessOptions } from './harness.js';
