import { describe, expect, it } from 'vitest';
import { OPCODE, WsFrameParser, type WsFrameInfo, type WsFrameObserver, type WsFrameParserOptions } from '../../../src/net/proxy/ws-frames.js';
import { closePayload, frame, MASK } from './encode.js';

/** Everything a parser reports, for comparing runs. */
function summary(p: WsFrameParser) {
  return { frames: p.frames, messages: p.messages, dataBytes: p.dataBytes, controlFrames: p.controlFrames, closeCode: p.closeCode, failure: p.failure };
}

function recorder(previewBytes: number): WsFrameObserver & { seen: (WsFrameInfo & { text: string })[] } {
  const seen: (WsFrameInfo & { text: string })[] = [];
  return {
    seen,
    begin: () => previewBytes,
    frame: (info) => seen.push({ ...info, preview: Buffer.from(info.preview), text: info.preview.toString() }),
  };
}

function parse(bytes: Buffer, options: Partial<WsFrameParserOptions> = {}, split: number[] = []): WsFrameParser {
  const p = new WsFrameParser({ direction: 'in', ...options });
  let at = 0;
  for (const cut of [...split, bytes.length]) {
    p.push(bytes.subarray(at, cut));
    at = cut;
  }
  return p;
}

describe('WsFrameParser', () => {
  // 0..125 in the 7-bit form, 126..65535 in the 16-bit form, above that (or forced) 64-bit.
  const sizes = [0, 1, 125, 126, 127, 65535, 65536, 70_000];
  for (const masked of [false, true]) {
    for (const size of sizes) {
      it(`counts a ${size}-byte ${masked ? 'masked' : 'unmasked'} binary frame`, () => {
        const payload = Buffer.alloc(size, 7);
        const bytes = Buffer.concat([frame({ opcode: OPCODE.binary, payload, ...(masked ? { mask: MASK } : {}) }), frame({ opcode: OPCODE.text, payload: 'next', ...(masked ? { mask: MASK } : {}) })]);
        const p = parse(bytes, { masked });
        expect(summary(p)).toEqual({ frames: 2, messages: 2, dataBytes: size + 4, controlFrames: 0, closeCode: null, failure: null });
      });
    }
  }

  it('reads the 64-bit length form of a short payload', () => {
    const p = parse(Buffer.concat([frame({ opcode: OPCODE.text, payload: 'abc', long: true }), frame({ opcode: OPCODE.text, payload: 'de' })]));
    expect(summary(p)).toMatchObject({ frames: 2, dataBytes: 5, failure: null });
  });

  it('gives the same result however the stream is split', () => {
    const text = 'héllo wörld, '.repeat(20); // multi-byte UTF-8 across previews
    const stream = Buffer.concat([
      frame({ opcode: OPCODE.text, payload: 'hi', mask: MASK }),
      frame({ opcode: OPCODE.binary, payload: Buffer.alloc(300, 1), mask: MASK }),
      frame({ opcode: OPCODE.text, payload: 'frag-', fin: false, mask: MASK }),
      frame({ opcode: OPCODE.ping, payload: 'p', mask: MASK }),
      frame({ opcode: OPCODE.continuation, payload: 'ment', fin: true, mask: MASK }),
      frame({ opcode: OPCODE.text, payload: text, long: true, mask: MASK }),
      frame({ opcode: OPCODE.binary, payload: Buffer.alloc(0), mask: MASK }),
      frame({ opcode: OPCODE.close, payload: closePayload(4001, 'bye'), mask: MASK }),
    ]);
    const whole = recorder(8);
    const expected = summary(parse(stream, { masked: true, observer: whole }));
    expect(expected).toEqual({ frames: 6, messages: 5, dataBytes: 2 + 300 + 9 + Buffer.byteLength(text), controlFrames: 2, closeCode: 4001, failure: null });
    for (let cut = 0; cut <= stream.length; cut++) {
      const obs = recorder(8);
      const p = parse(stream, { masked: true, observer: obs }, [cut]);
      expect(summary(p), `split at ${cut}`).toEqual(expected);
      expect(obs.seen, `split at ${cut}`).toEqual(whole.seen);
    }
    // and one byte at a time
    const obs = recorder(8);
    const p = new WsFrameParser({ direction: 'in', masked: true, observer: obs });
    for (let i = 0; i < stream.length; i++) p.push(stream.subarray(i, i + 1));
    expect(summary(p)).toEqual(expected);
    expect(obs.seen).toEqual(whole.seen);
  });

  it('counts fragmented messages as one message of several frames, control frames apart', () => {
    const p = parse(
      Buffer.concat([
        frame({ opcode: OPCODE.binary, payload: 'a', fin: false }),
        frame({ opcode: OPCODE.pong, payload: '' }),
        frame({ opcode: OPCODE.continuation, payload: 'b', fin: false }),
        frame({ opcode: OPCODE.continuation, payload: 'c', fin: true }),
        frame({ opcode: OPCODE.text, payload: 'd' }),
      ]),
      { masked: false },
    );
    expect(summary(p)).toEqual({ frames: 4, messages: 2, dataBytes: 4, controlFrames: 1, closeCode: null, failure: null });
  });

  it('unmasks the close code, reports 1005 for an empty close, and stops after a close', () => {
    const codes: number[] = [];
    const masked = parse(frame({ opcode: OPCODE.close, payload: closePayload(4001, 'done'), mask: MASK }), { onClose: (c) => codes.push(c) });
    expect(masked.closeCode).toBe(4001);
    expect(codes).toEqual([4001]);
    const empty = parse(Buffer.concat([frame({ opcode: OPCODE.close }), frame({ opcode: OPCODE.text, payload: 'after' })]));
    expect(summary(empty)).toEqual({ frames: 0, messages: 0, dataBytes: 0, controlFrames: 1, closeCode: 1005, failure: null });
    expect(empty.active).toBe(false);
  });

  it('hands observers unmasked, bounded previews with the frame kind', () => {
    const obs = recorder(4);
    parse(
      Buffer.concat([
        frame({ opcode: OPCODE.text, payload: 'hello world', mask: MASK }),
        frame({ opcode: OPCODE.binary, payload: Buffer.from([1, 2]), fin: false, mask: MASK, rsv: 4 }),
        frame({ opcode: OPCODE.continuation, payload: Buffer.from([3]), mask: MASK }),
        frame({ opcode: OPCODE.close, payload: closePayload(1000, 'ok'), mask: MASK }),
      ]),
      { direction: 'in', observer: obs },
    );
    expect(obs.seen.map(({ opcode, messageOpcode, fin, compressed, size, text }) => ({ opcode, messageOpcode, fin, compressed, size, text }))).toEqual([
      { opcode: 1, messageOpcode: 1, fin: true, compressed: false, size: 11, text: 'hell' },
      { opcode: 2, messageOpcode: 2, fin: false, compressed: true, size: 2, text: '\x01\x02' },
      { opcode: 0, messageOpcode: 2, fin: true, compressed: false, size: 1, text: '\x03' },
      { opcode: 8, messageOpcode: 8, fin: true, compressed: false, size: 4, text: closePayload(1000, 'ok').toString() },
    ]);
  });

  it('skips frames the observer declines and still reads a declined close code', () => {
    const seen: number[] = [];
    const p = parse(Buffer.concat([frame({ opcode: OPCODE.text, payload: 'x' }), frame({ opcode: OPCODE.close, payload: closePayload(4002) })]), {
      observer: { begin: () => -1, frame: (f) => seen.push(f.opcode) },
    });
    expect(seen).toEqual([]);
    expect(p.closeCode).toBe(4002);
  });

  const garbage: [string, Buffer, Partial<WsFrameParserOptions>][] = [
    ['an unknown data opcode', frame({ opcode: 3, payload: 'x' }), {}],
    ['an unknown control opcode', frame({ opcode: 0xb }), {}],
    ['a fragmented control frame', frame({ opcode: OPCODE.ping, fin: false }), {}],
    ['an oversized control frame', frame({ opcode: OPCODE.ping, payload: Buffer.alloc(126) }), {}],
    ['a continuation outside a message', frame({ opcode: OPCODE.continuation, payload: 'x' }), {}],
    ['a new message inside one', Buffer.concat([frame({ opcode: OPCODE.text, payload: 'a', fin: false }), frame({ opcode: OPCODE.text, payload: 'b' })]), {}],
    ['an unmasked client frame', frame({ opcode: OPCODE.text, payload: 'x' }), { masked: true }],
    ['a masked server frame', frame({ opcode: OPCODE.text, payload: 'x', mask: MASK }), { masked: false }],
    ['RSV2 set', frame({ opcode: OPCODE.text, payload: 'x', rsv: 2 }), {}],
    ['a 64-bit length past 2^53', Buffer.from([0x82, 127, 0xff, 0, 0, 0, 0, 0, 0, 1]), {}],
    ['HTTP text', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), {}],
  ];
  for (const [what, bytes, options] of garbage) {
    it(`stops accounting on ${what}, keeping what it counted`, () => {
      const good = frame({ opcode: OPCODE.text, payload: 'ok', ...(options.masked ? { mask: MASK } : {}) });
      const p = parse(Buffer.concat([good, bytes, good, good]), options);
      expect(p.failure).toEqual(expect.any(String));
      expect(p.active).toBe(false);
      expect(p.frames).toBeLessThanOrEqual(2);
      expect(p.frames).toBeGreaterThanOrEqual(1);
      p.push(good); // further input is ignored, never throws
      expect(p.frames).toBeLessThanOrEqual(2);
    });
  }

  it('survives random bytes in random chunks without throwing', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let run = 0; run < 200; run++) {
      const bytes = Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256)));
      const p = new WsFrameParser({ direction: 'out', observer: recorder(16) });
      let at = 0;
      while (at < bytes.length) {
        const n = 1 + Math.floor(rand() * 9);
        p.push(bytes.subarray(at, at + n));
        at += n;
      }
      expect(p.frames).toBeGreaterThanOrEqual(0);
    }
  });
});
