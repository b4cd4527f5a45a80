/**
 * Who owns a Kafka client connection: the process, and the service instance it runs, when
 * known. Produced by a ClientResolver (the /proc resolver here, or one system/ hands in).
 */
export interface ClientOwner {
  /** the owning process, when the resolver knows it */
  pid?: number;
  service?: string;
  instance?: number;
}

/**
 * Finds the owner of a client connection from its ports: `clientPort` is the connection's
 * remote port (the client's local port), `brokerPort` the port the client connected to.
 * Called once per connection, off the request path; may be synchronous.
 */
export type ClientResolver = (clientPort: number, brokerPort: number) => ClientOwner | undefined | Promise<ClientOwner | undefined>;

/**
 * Maps a process to the service instance it belongs to: system/ knows each instance's
 * process (group) id. `pgid` is the process group of `pid` (a service started through a
 * shell or npm runs in its instance's group), undefined when it could not be read.
 */
export type InstanceOfProcess = (pid: number, pgid: number | undefined) => { service: string; instance: number } | undefined;
