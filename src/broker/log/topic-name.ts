/** Topic name rules, as Kafka's `Topic.validate`: what a broker must refuse before creating. */
import { topicNameRule, TOPIC_NAME_MAX_LENGTH } from '../../util/topic-name.js';

/** Why `name` is not a valid Kafka topic name, or null when it is valid. */
export function topicNameProblem(name: string): string | null {
  switch (topicNameRule(name)) {
    case null:
      return null;
    case 'empty':
      return 'topic name is empty';
    case 'reserved':
      return `topic name cannot be "${name}"`;
    case 'too-long':
      return `topic name is ${name.length} characters long; the limit is ${TOPIC_NAME_MAX_LENGTH}`;
    case 'illegal-characters':
      return `topic name "${name}" may only contain ASCII letters, digits, ".", "_" and "-"`;
  }
}

/** Whether `name` is a valid Kafka topic name. */
export function isValidTopicName(name: string): boolean {
  return topicNameRule(name) === null;
}
