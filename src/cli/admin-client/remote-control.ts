import type { CallHeadersView, CapturedView, FaultRuleInput, FaultRuleView, ProduceInput, RecordView, SystemControl } from '../../core/contracts.js';
import type { AdminClient } from './admin-client.js';
import { AdminRequestError } from './errors.js';

/**
 * SystemControl over a running devmode's admin API (`devmode ui`): each command is one
 * request; devmode's refusals come back as AdminRequestError (userError, status, hint).
 */
export class RemoteControl implements SystemControl {
  readonly #client: AdminClient;

  constructor(client: AdminClient) {
    this.#client = client;
  }

  async restart(service: string): Promise<void> {
    await this.#client.call('POST', `services/${encodeURIComponent(service)}/restart?wait=true`);
  }

  async stop(service: string): Promise<void> {
    await this.#client.call('POST', `services/${encodeURIComponent(service)}/stop`);
  }

  async start(service: string): Promise<void> {
    await this.#client.call('POST', `services/${encodeURIComponent(service)}/start?wait=true`);
  }

  async setFault(rule: FaultRuleInput): Promise<FaultRuleView> {
    return (await this.#client.call('POST', 'faults', rule)) as FaultRuleView;
  }

  async clearFault(id: string): Promise<boolean> {
    try {
      await this.#client.call('DELETE', `faults/${encodeURIComponent(id)}`);
      return true;
    } catch (error) {
      if (error instanceof AdminRequestError && error.status === 404) return false;
      throw error;
    }
  }

  async clearFaults(): Promise<void> {
    await this.#client.call('DELETE', 'faults');
  }

  async brokerDown(): Promise<FaultRuleView> {
    return (await this.#client.call('POST', 'broker/down')) as FaultRuleView;
  }

  async brokerUp(): Promise<void> {
    await this.#client.call('POST', 'broker/up');
  }

  async produce(message: ProduceInput): Promise<{ topic: string; partition: number; offset: number }> {
    const { topic, ...body } = message;
    return (await this.#client.call('POST', `topics/${encodeURIComponent(topic)}/messages`, body)) as { topic: string; partition: number; offset: number };
  }

  async recentRecords(topic: string, partition: number, limit: number): Promise<RecordView[]> {
    return (await this.#client.call('GET', `topics/${encodeURIComponent(topic)}/records?partition=${partition}&limit=${limit}`)) as RecordView[];
  }

  async captureOn(target: { caller?: string; callee?: string }): Promise<void> {
    await this.#client.call('POST', 'capture', target);
  }

  async captureOff(target?: { caller?: string; callee?: string }): Promise<void> {
    const params = new URLSearchParams();
    if (target?.caller !== undefined) params.set('caller', target.caller);
    if (target?.callee !== undefined) params.set('callee', target.callee);
    const qs = params.toString();
    await this.#client.call('DELETE', `capture${qs ? `?${qs}` : ''}`);
  }

  async captured(): Promise<CapturedView> {
    return (await this.#client.call('GET', 'capture')) as CapturedView;
  }

  async callHeaders(id: string): Promise<CallHeadersView | null> {
    try {
      return (await this.#client.call('GET', `calls/${encodeURIComponent(id)}`)) as CallHeadersView;
    } catch (error) {
      if (error instanceof AdminRequestError && error.status === 404) return null;
      throw error;
    }
  }
}
