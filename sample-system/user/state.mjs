// In-memory state of one user instance: order history and latest shipment updates per user.
// Every change is applied idempotently, because the same change can arrive twice
// (from Kafka after a rebalance, and from a peer instance).

const MAX_SHIPMENTS_PER_USER = 50;

export class UserState {
  #orders = new Map(); // userId -> Map(orderId -> order)
  #orderOwner = new Map(); // orderId -> userId
  #shipments = new Map(); // userId -> Map(shipmentId -> update)

  /** Returns true when the order was new. */
  addOrder(order) {
    if (this.#orderOwner.has(order.id)) return false;
    this.#orderOwner.set(order.id, order.userId);
    let forUser = this.#orders.get(order.userId);
    if (!forUser) this.#orders.set(order.userId, (forUser = new Map()));
    forUser.set(order.id, order);
    return true;
  }

  /** Keeps the latest update of each shipment (by seq). Returns true when it changed anything. */
  addShipmentUpdate(update) {
    let forUser = this.#shipments.get(update.userId);
    if (!forUser) this.#shipments.set(update.userId, (forUser = new Map()));
    const known = forUser.get(update.shipmentId);
    if (known && known.seq >= update.seq) return false;
    forUser.delete(update.shipmentId); // re-insert so the map stays ordered by last update
    forUser.set(update.shipmentId, update);
    if (forUser.size > MAX_SHIPMENTS_PER_USER) forUser.delete(forUser.keys().next().value);
    return true;
  }

  ordersOf(userId) {
    return [...(this.#orders.get(userId)?.values() ?? [])].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  shipmentsOf(userId) {
    return [...(this.#shipments.get(userId)?.values() ?? [])].reverse();
  }

  knows(userId) {
    return this.#orders.has(userId) || this.#shipments.has(userId);
  }

  ownerOf(orderId) {
    return this.#orderOwner.get(orderId);
  }
}
