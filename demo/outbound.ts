/**
 * The way out for every frame the server sends (`sendFrame` in hub.ts calls `deliver`).
 *
 * Frames wait for the commit of everything stored before them (group-commit.ts): storage commits once per
 * event-loop turn, and until then an `ack`, an item echo or an agent's view of a new message must not leave
 * — a crash could still take the change back. Holding every frame, not only those about a change, keeps
 * each socket's frames in the order they were sent; the wait is the rest of the current turn.
 */
import { WebSocket } from 'ws';

/** What frames wait for: `then` runs once everything stored so far is committed (at once if nothing waits). */
export interface CommitBarrier {
  afterCommit(then: () => void): void;
}

export interface Route {
  barrier: CommitBarrier;
}

const routes = new WeakMap<WebSocket, Route>();

/** From now on, frames to `socket` go this way. */
export function attachSocket(socket: WebSocket, route: Route): void {
  routes.set(socket, route);
}

/** Sends `data` to `socket` once what was stored before is committed; dropped if the socket has closed by then. */
export function deliver(socket: WebSocket, data: string): void {
  const route = routes.get(socket);
  if (route) route.barrier.afterCommit(() => sendNow(socket, data));
  else sendNow(socket, data);
}

/** Closes `socket` after the frames sent to it so far (an `error` saying why goes out first). */
export function closeAfterFrames(socket: WebSocket, code: number, reason: string): void {
  const close = (): void => socket.close(code, reason);
  const route = routes.get(socket);
  if (route) route.barrier.afterCommit(close);
  else close();
}

function sendNow(socket: WebSocket, data: string): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(data);
}
