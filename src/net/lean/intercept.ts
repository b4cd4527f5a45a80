import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Puts the lean path in front of a node:http server: new connections go to `lean`, and
 * the returned function gives one to node:http (with bytes already read put back first;
 * node:http reads them as if they had just arrived). The server keeps listening and
 * keeps its own timeouts, which node:http checks only for connections it was given and
 * only on a listening server. An http.Server's only `connection` listener is node:http's
 * parser set-up; it is taken over here before anything else listens.
 */
export function interceptConnections(server: Server, lean: (socket: Socket) => void): (socket: Socket, buffered: Buffer) => void {
  const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
  const nodeHttp = listeners[0];
  if (!nodeHttp || listeners.length !== 1) throw new Error('interceptConnections needs a fresh http.Server');
  server.removeListener('connection', nodeHttp);
  server.on('connection', lean);
  return (socket, buffered) => {
    if (buffered.length > 0) socket.unshift(buffered);
    nodeHttp.call(server, socket);
  };
}
