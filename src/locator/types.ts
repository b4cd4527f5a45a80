/** Registry data as the locator API and views see it. */

/** What the registry knows of an instance; narrower than the supervisor's InstanceState. */
export type RegistryState = 'starting' | 'ready' | 'down';

/** How a service came to be known. */
export type ServiceOrigin =
  /** started by devmode (supervisor reports its instances) */
  | 'managed'
  /** a URL in devmode.yaml; always ready */
  | 'unmanaged'
  /** registered at run time through `PUT /services/:name` (Lagom style) */
  | 'registered'
  /** the Kafka broker, for Lagom's `kafka_native` lookup */
  | 'kafka';

/** A Lagom ACL: requests matching it are routed by the gateway to the registering service. */
export interface Acl {
  /** upper-case method, or null for any */
  method: string | null;
  /** anchored regular expression over the path (without the query) */
  pathRegex: string;
}

/** One instance in the registry. */
export interface RegistryInstance {
  service: string;
  instance: number;
  host: string;
  port: number;
  url: string;
  state: RegistryState;
  /** why it is down (exit code, crash loop ...), when state is 'down' */
  why: string | undefined;
  /** grows with each swap (a reload pointed the instance at a new process) */
  generation: number;
}

/** A service and its instances, as listed by `GET /services`. */
export interface ServiceEntry {
  name: string;
  origin: ServiceOrigin;
  /** the URL of a ready instance, if any */
  url: string | null;
  /** set while a restart or reload is in progress: callers should wait */
  pendingReason: string | null;
  /** why a managed service has no instance and none is coming (its first build failed) */
  notStarted: string | null;
  acls: readonly Acl[];
  instances: readonly RegistryInstance[];
}

/** A registration body of Lagom's `PUT /services/:name`. */
export interface Registration {
  name: string;
  url: string;
  portName?: string | null;
  acls?: readonly Acl[];
}
