/**
 * A request that cannot be decoded (truncated, a length past the frame, a bad varint).
 * The connection layer answers it by closing that connection, as Kafka does: there is no
 * schema to write an error response with once the body is unreadable.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}
