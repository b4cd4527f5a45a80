/**
 * ApiVersions (key 18), v0-4; flexible from v3.
 *
 * Answers with the broker's table of APIs, built from the registry, so what is advertised
 * is exactly what is dispatched. The software name/version of v3+ is read and ignored
 * (no INVALID_REQUEST check: a dev broker should accept any client). A version above 4 is
 * answered by the connection layer in v0 format with UNSUPPORTED_VERSION (KIP-511).
 * No SupportedFeatures / FinalizedFeatures tagged fields.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

/** The handler, given a late-bound view of the whole registry (which includes itself). */
export function apiVersionsHandler(all: () => readonly ApiHandler[]): ApiHandler {
  return {
    key: 18,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 4,
    firstFlexibleVersion: 3,
    handle(req, version) {
      const flex = version >= 3;
      if (flex) {
        req.compactString(); // client_software_name
        req.compactString(); // client_software_version
        req.taggedFields();
      }
      const apis = [...all()].sort((a, b) => a.key - b.key);
      const w = new Writer(16 + apis.length * 8);
      w.int16(ErrorCode.NONE);
      w.arr(flex, apis, (w, api) => {
        w.int16(api.key).int16(api.minVersion).int16(api.maxVersion).tags(flex);
      });
      if (version >= 1) w.int32(0); // throttle_time_ms
      return w.tags(flex);
    },
  };
}
