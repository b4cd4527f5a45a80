/** Builds RFC 6455 frames byte by byte, independently of the parser under test. */
export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  fin?: boolean;
  /** a 4-byte mask key: the frame is masked with it */
  mask?: readonly [number, number, number, number];
  /** RSV bits as the top nibble's lower three bits (0x4 = RSV1) */
  rsv?: number;
  /** force the 64-bit length form even for a short payload */
  long?: boolean;
}

export const MASK = [0x37, 0xfa, 0x21, 0x3d] as const;

export function frame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload) : (spec.payload ?? Buffer.alloc(0));
  const n = payload.length;
  const parts: number[] = [((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode];
  const maskBit = spec.mask ? 0x80 : 0;
  if (spec.long || n > 0xffff) {
    parts.push(maskBit | 127);
    const big = BigInt(n);
    for (let shift = 56n; shift >= 0n; shift -= 8n) parts.push(Number((big >> shift) & 0xffn));
  } else if (n > 125) {
    parts.push(maskBit | 126, n >> 8, n & 0xff);
  } else {
    parts.push(maskBit | n);
  }
  const body = Buffer.from(payload);
  if (spec.mask) {
    parts.push(...spec.mask);
    for (let i = 0; i < body.length; i++) body[i] = body[i]! ^ spec.mask[i % 4]!;
  }
  return Buffer.concat([Buffer.from(parts), body]);
}

/** A close frame's payload: status code and reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code, 0);
  b.write(reason, 2);
  return b;
}
