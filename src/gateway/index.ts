/** The gateway: the one ingress port (routes, waiting for pending services, HTTP and WebSocket proxying). */
export { Gateway, type GatewayOptions, type AclSource } from './gateway.js';
export { RouteTable, RoutePatternError, compilePattern, describeRoute, type Route, type RouteMatch } from './routes.js';
