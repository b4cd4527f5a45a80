/**
 * AlterConfigs (key 33), v0-2; flexible from v2.
 *
 * Replaces a topic's config overrides with the ones given (configs left out go back to
 * their defaults, as in Kafka), after checking every name and value (INVALID_CONFIG with
 * Kafka's message); the topic's partitions act on them at once (retention, segments,
 * compaction, max.message.bytes, timestamps) and the data directory keeps them.
 * validate_only checks without applying. Unknown topic: UNKNOWN_TOPIC_OR_PARTITION. The
 * broker resource cannot be altered (its settings come from devmode.yaml): INVALID_REQUEST.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { applyOverrides, currentOverrides } from './topic-config-changes.js';

export const alterConfigs: ApiHandler = {
  key: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  firstFlexibleVersion: 2,
  handle(req, version, ctx) {
    const flex = version >= 2;
    const resources = req.arr(flex, (r) => {
      const type = r.int8();
      const name = r.str(flex);
      const configs = r.arr(flex, (c) => {
        const key = c.str(flex);
        const value = c.nullableStr(flex);
        c.tags(flex);
        return [key, value] as const;
      });
      r.tags(flex);
      return { type, name, configs };
    });
    const validateOnly = req.bool();
    req.tags(flex);

    const results = resources.map((res) => {
      const current = currentOverrides(ctx, res.type, res.name);
      if ('refused' in current) return { res, ...current.refused };
      const overrides: Record<string, string> = {};
      for (const [key, value] of res.configs) if (value !== null) overrides[key] = value.trim();
      return { res, ...applyOverrides(ctx, res.name, overrides, validateOnly) };
    });
    const w = new Writer(64 + results.length * 64);
    w.int32(0); // throttle_time_ms
    w.arr(flex, results, (w, r) => {
      w.int16(r.error).nullableStr(flex, r.message).int8(r.res.type).str(flex, r.res.name).tags(flex);
    });
    return w.tags(flex);
  },
};
