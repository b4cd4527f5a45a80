// A WebSocket stream to the user service that shipment updates are sent over. It stays
// open, reconnects with backoff when it drops, and re-sends every update not yet acked,
// so an update is delivered at least once (user keeps the latest per shipment).
import WebSocket from 'ws';

export class UserStream {
  #url;
  #ws;
  #unacked = new Map(); // `${shipmentId}:${seq}` -> update
  #delay = 100;
  #timer;
  #closed = false;

  constructor(userBaseUrl) {
    this.#url = `${userBaseUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/internal/shipments/stream`;
    this.#connect();
  }

  send(update) {
    this.#unacked.set(`${update.shipmentId}:${update.seq}`, update);
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(update));
  }

  close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#ws?.close(1001, 'shutting down');
  }

  #connect() {
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    ws.on('open', () => {
      this.#delay = 100;
      for (const update of this.#unacked.values()) ws.send(JSON.stringify(update));
    });
    ws.on('message', (data) => {
      try {
        const msg = JSON.parse(data.toString());
        if (msg.type === 'ack') this.#unacked.delete(`${msg.shipmentId}:${msg.seq}`);
      } catch {
        // not ours to fix: ignore a frame we do not understand
      }
    });
    ws.on('error', () => {}); // 'close' follows and reconnects
    ws.on('close', () => {
      if (this.#closed) return;
      this.#timer = setTimeout(() => this.#connect(), this.#delay);
      this.#delay = Math.min(this.#delay * 2, 2000);
    });
  }
}
