/**
 * Interfaces that one part needs from another. Parts never import each other:
 * system/ builds the parts and hands each the interfaces it needs.
 */

/** A network address of one ready instance. */
export interface InstanceAddress {
  service: string;
  instance: number;
  host: string;
  port: number;
  /** base URL, e.g. http://127.0.0.1:53123 */
  url: string;
}

/** What the gateway and the mesh ask of the locator. */
export interface InstanceResolver {
  /** Ready instances of a service now (empty when none). */
  ready(service: string): readonly InstanceAddress[];
  /**
   * Whether the service is known and expected to come (starting, restarting, reloading),
   * so a caller should wait rather than fail.
   */
  pending(service: string): boolean;
  /** Resolves with the ready instances once there is at least one, or rejects after timeoutMs. */
  waitReady(service: string, timeoutMs: number, signal?: AbortSignal): Promise<readonly InstanceAddress[]>;
  /** Why a service has no ready instance (crash loop, exited with code 1, ...), for error bodies. */
  whyDown(service: string): string | undefined;
}
