/** Topic name rules, as Kafka's `Topic.validate`: what a broker must refuse before creating. */

const MAX_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Why `name` is not a valid Kafka topic name, or null when it is valid. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name cannot be "${name}"`;
  if (name.length > MAX_LENGTH) return `topic name is ${name.length} characters long; the limit is ${MAX_LENGTH}`;
  if (!LEGAL.test(name)) return `topic name "${name}" may only contain ASCII letters, digits, ".", "_" and "-"`;
  return null;
}

/** Whether `name` is a valid Kafka topic name. */
export function isValidTopicName(name: string): boolean {
  return topicNameProblem(name) === null;
}
