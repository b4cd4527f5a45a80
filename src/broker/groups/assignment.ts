import type { TopicAssignment } from './types.js';

/**
 * Decodes the consumer protocol's assignment bytes for display: version int16, then an
 * int32-counted array of (topic: int16-length string, partitions: int32-counted int32[]),
 * then user data (ignored). The broker never needs this to work, so anything malformed
 * (another protocol type, truncated bytes) gives [] instead of an error.
 */
export function decodeConsumerAssignment(bytes: Buffer): TopicAssignment[] {
  try {
    if (bytes.length < 6) return [];
    let at = 2; // version: every version so far starts with the same topics array
    const topicCount = bytes.readInt32BE(at);
    at += 4;
    if (topicCount < 0 || topicCount > bytes.length) return [];
    const topics: TopicAssignment[] = [];
    for (let t = 0; t < topicCount; t++) {
      const nameLength = bytes.readInt16BE(at);
      at += 2;
      if (nameLength < 0 || at + nameLength > bytes.length) return [];
      const topic = bytes.toString('utf8', at, at + nameLength);
      at += nameLength;
      const partitionCount = bytes.readInt32BE(at);
      at += 4;
      if (partitionCount < 0 || at + partitionCount * 4 > bytes.length) return [];
      const partitions: number[] = [];
      for (let p = 0; p < partitionCount; p++, at += 4) partitions.push(bytes.readInt32BE(at));
      topics.push({ topic, partitions });
    }
    return topics;
  } catch {
    // RangeError from a truncated buffer: not the consumer protocol, show nothing
    return [];
  }
}
