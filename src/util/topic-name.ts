/**
 * Kafka's rule for topic names (its `Topic.validate`): at most 249 characters of ASCII
 * letters, digits, `.`, `_` and `-`, and not `.` or `..`. One rule for devmode.yaml's
 * checks and for the broker, so a topic the config accepts is one the broker creates.
 */
export type TopicNameProblem = 'empty' | 'reserved' | 'too-long' | 'illegal-characters';

export const TOPIC_NAME_MAX_LENGTH = 249;

export function topicNameRule(name: string): TopicNameProblem | null {
  if (name.length === 0) return 'empty';
  if (name === '.' || name === '..') return 'reserved';
  if (name.length > TOPIC_NAME_MAX_LENGTH) return 'too-long';
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return 'illegal-characters';
  return null;
}
