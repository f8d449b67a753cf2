/**
 * Pings every socket and drops the ones that stop answering. Without it, an agent whose laptop went to
 * sleep would keep the team "available" to visitors until TCP noticed, which can take many minutes.
 */
import type { WebSocket, WebSocketServer } from 'ws';

export function startHeartbeat(servers: readonly WebSocketServer[], intervalMs: number): () => void {
  const silent = new WeakSet<WebSocket>();
  const onPong = function (this: WebSocket): void {
    silent.delete(this);
  };
  for (const server of servers) server.on('connection', (socket) => socket.on('pong', onPong));
  const timer = setInterval(() => {
    for (const server of servers) {
      for (const socket of server.clients) {
        if (silent.has(socket)) {
          socket.terminate();
          continue;
        }
        silent.add(socket);
        socket.ping();
      }
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
