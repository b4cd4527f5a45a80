/**
 * The host's side of broker faults for the worker: follows the main thread's
 * BrokerFaultState (onChange) and posts a snapshot of its cheap part to the worker, and
 * answers the worker's synchronous questions (produceError, deliveryDelayMs, groupPaused)
 * through the shared answer buffer. See remote-faults.ts for the worker's side.
 */
import type { BrokerFaultState } from '../../core/contracts.js';
import type { FaultQuestion, FaultSnapshot } from './messages.js';
import { ANSWER_ID, ANSWER_VALUE } from './remote-faults.js';

export class FaultBridge {
  readonly #state: BrokerFaultState;
  readonly #answer: Int32Array;
  #generation = 0;
  #unsubscribe: (() => void) | null;

  /** Posts a snapshot through `post` after every change of `state`, until close(). */
  constructor(state: BrokerFaultState, answer: SharedArrayBuffer, post: (snapshot: FaultSnapshot) => void) {
    this.#state = state;
    this.#answer = new Int32Array(answer);
    this.#unsubscribe = state.onChange(() => {
      this.#generation++;
      post(this.snapshot());
    });
  }

  /** The state now, as the worker mirrors it. */
  snapshot(): FaultSnapshot {
    const active = this.#state.active?.() ?? { produceErrors: true, deliveryDelays: true, pausedGroups: true };
    return { down: this.#state.down, active, generation: this.#generation };
  }

  /** Answers question `id` from the worker (which is blocked until it sees the id). */
  answer(id: number, question: FaultQuestion): void {
    let value = 0;
    try {
      switch (question.q) {
        case 'produceError':
          value = this.#state.produceError(question.topic);
          break;
        case 'deliveryDelayMs':
          value = Math.max(0, Math.min(2 ** 31 - 1, Math.round(this.#state.deliveryDelayMs(question.topic))));
          break;
        case 'groupPaused':
          value = this.#state.groupPaused(question.group) ? 1 : 0;
          break;
      }
    } catch {
      // a failing fault state means no fault, as in process
    }
    // The value first, then the id the worker is waiting for.
    Atomics.store(this.#answer, ANSWER_VALUE, value);
    Atomics.store(this.#answer, ANSWER_ID, id);
    Atomics.notify(this.#answer, ANSWER_ID);
  }

  /** Stops following the fault state. */
  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }
}
