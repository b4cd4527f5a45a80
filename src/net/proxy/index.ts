/** HTTP and WebSocket proxying shared by the gateway and the mesh. Knows targets, not routes. */
export { HttpProxy, type HttpProxyOptions } from './http-proxy.js';
export { proxyUpgrade } from './ws-proxy.js';
export { endToEndHeaders, addForwarded } from './headers.js';
export type { ProxyTarget, ForwardOptions, ForwardResult, UpgradeResult } from './types.js';
