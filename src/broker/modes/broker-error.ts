/**
 * A broker start-up failure caused by the user's setup (no Docker engine, an unreachable
 * external cluster, a busy port). Its message is the whole story, written for the user:
 * what failed, where, and what to do. Callers print `message` and never the stack.
 */
export class BrokerSetupError extends Error {
  override readonly name = 'BrokerSetupError';
  /** stable code for the CLI's exit handling and for tests */
  readonly code: 'E_NO_DOCKER' | 'E_CONTAINER' | 'E_UNREACHABLE' | 'E_PORT_IN_USE' | 'E_BROKER';

  constructor(code: BrokerSetupError['code'], message: string) {
    super(message);
    this.code = code;
  }
}
