/**
 * IncrementalAlterConfigs (key 44), v0-1; flexible from v1.
 *
 * Changes some of a topic's configs: SET (0) and DELETE (1, back to the default) for any
 * config; APPEND (2) and SUBTRACT (3) for list configs (cleanup.policy), otherwise
 * INVALID_CONFIG as in Kafka. The result is checked like AlterConfigs (Kafka's messages),
 * applied at once and kept with the data directory; validate_only checks only. Unknown
 * topic: UNKNOWN_TOPIC_OR_PARTITION; the broker resource: INVALID_REQUEST (devmode.yaml).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { topicConfigType } from '../../util/topic-config.js';
import { applyOverrides, currentOverrides, type ConfigChangeResult } from './topic-config-changes.js';

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;
const LIST_TYPE = 7;

export const incrementalAlterConfigs: ApiHandler = {
  key: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: 1,
  handle(req, version, ctx) {
    const flex = version >= 1;
    const resources = req.arr(flex, (r) => {
      const type = r.int8();
      const name = r.str(flex);
      const changes = r.arr(flex, (c) => {
        const key = c.str(flex);
        const op = c.int8();
        const value = c.nullableStr(flex);
        c.tags(flex);
        return { key, op, value };
      });
      r.tags(flex);
      return { type, name, changes };
    });
    const validateOnly = req.bool();
    req.tags(flex);

    const results = resources.map((res): { type: number; name: string } & ConfigChangeResult => {
      const current = currentOverrides(ctx, res.type, res.name);
      if ('refused' in current) return { type: res.type, name: res.name, ...current.refused };
      const overrides = current.overrides;
      const effective = new Map((ctx.broker.store.topicConfigs(res.name) ?? []).map((c) => [c.name, c.value]));
      for (const { key, op, value } of res.changes) {
        if (op === DELETE) {
          delete overrides[key];
          continue;
        }
        if (op === SET) {
          if (value !== null) overrides[key] = value.trim();
          continue;
        }
        if (op !== APPEND && op !== SUBTRACT) {
          return { type: res.type, name: res.name, error: ErrorCode.INVALID_REQUEST, message: `unknown config operation ${op}` };
        }
        if (topicConfigType(key) !== LIST_TYPE) {
          const what = op === APPEND ? 'append' : 'subtract';
          return { type: res.type, name: res.name, error: ErrorCode.INVALID_CONFIG, message: `Config value ${what} is not allowed for config key: ${key}` };
        }
        const items = (overrides[key] ?? effective.get(key) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
        const given = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
        const next = op === APPEND ? [...items, ...given.filter((g) => !items.includes(g))] : items.filter((i) => !given.includes(i));
        overrides[key] = next.join(',');
      }
      return { type: res.type, name: res.name, ...applyOverrides(ctx, res.name, overrides, validateOnly) };
    });
    const w = new Writer(64 + results.length * 64);
    w.int32(0); // throttle_time_ms
    w.arr(flex, results, (w, r) => {
      w.int16(r.error).nullableStr(flex, r.message).int8(r.type).str(flex, r.name).tags(flex);
    });
    return w.tags(flex);
  },
};
