/** The admin API's endpoints, listed in 404 answers and at `GET /`. */
export const ENDPOINTS: readonly string[] = [
  'GET    /state                      the whole system: services, instances, edges, routes, topology, topics, groups, faults',
  'GET    /events                     live events as JSON lines (Accept: text/event-stream for SSE); ?type=broker.,log ?service=user ?since=30s',
  'POST   /services/:name/restart     restart every instance of a service (?wait=true answers when it is ready again)',
  'GET    /faults                     the fault rules in force',
  'POST   /faults                     add or replace a fault rule, e.g. {"callee":"user","status":503,"percent":50}',
  'DELETE /faults/:id                 remove one fault rule',
  'DELETE /faults                     remove every fault rule',
  'GET    /capture                    captured exchanges (bodies, WebSocket frames as events; credentials redacted)',
  'POST   /capture                    capture bodies of calls matching {"caller":..., "callee":...} (absent = any)',
  'DELETE /capture                    stop capturing (?caller=&callee= for one target)',
];
