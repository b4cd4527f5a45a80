import { describe, expect, it } from 'vitest';
import { RateMeter } from '../../../src/broker/modes/rate-meter.js';
import { parseHostPort } from '../../../src/broker/modes/reachability.js';

describe('RateMeter', () => {
  it('reports a per-second rate over the recent window, never negative', () => {
    const meter = new RateMeter();
    expect(meter.rate('t', 0, 1000)).toBe(0);
    expect(meter.rate('t', 100, 1100)).toBe(0); // too soon to tell
    expect(meter.rate('t', 500, 2000)).toBe(500);
    expect(meter.rate('t', 0, 3000)).toBe(0); // topic recreated
    meter.retain(new Set());
    expect(meter.rate('t', 10, 4000)).toBe(0);
  });
});

describe('parseHostPort', () => {
  it('reads host:port, [v6]:port and a bare host', () => {
    expect(parseHostPort('kafka:29092')).toEqual({ host: 'kafka', port: 29092 });
    expect(parseHostPort('[::1]:9093')).toEqual({ host: '::1', port: 9093 });
    expect(parseHostPort('kafka')).toEqual({ host: 'kafka', port: 9092 });
  });

  it('rejects a bad port with a message naming the address', () => {
    expect(() => parseHostPort('kafka:99999')).toThrow('invalid port in Kafka address "kafka:99999": expected 1-65535');
  });
});
