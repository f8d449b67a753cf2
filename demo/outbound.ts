/**
 * The way out for every frame the server sends (`sendFrame` in hub.ts calls `deliver`).
 *
 * Frames wait for the commit of everything stored before them (group-commit.ts): storage commits once per
 * event-loop turn, and until then an `ack`, an item echo or an agent's view of a new message must not leave
 * — a crash could still take the change back. Holding every frame, not only those about a change, keeps
 * each socket's frames in the order they were sent; the wait is the rest of the current turn.
 *
 * Slow readers: a socket with a bound is cut off (terminated: a peer that does not read would not read a
 * close frame either) when its unsent data stays above the bound for the grace time. It reconnects and
 * replays from what it has, and the server's memory for it is freed. One large burst that drains in time,
 * such as the replay of a long conversation, passes.
 */
import { WebSocket } from 'ws';

/** What frames wait for: `then` runs once everything stored so far is committed (at once if nothing waits). */
export interface CommitBarrier {
  afterCommit(then: () => void): void;
}

export interface Route {
  barrier: CommitBarrier;
  bound?: {
    bytes: number;
    graceMs: number;
    /** Who it is, for the log line when it is cut off. */
    who: string;
  };
}

const routes = new WeakMap<WebSocket, Route>();
const watched = new WeakSet<WebSocket>();

/** From now on, frames to `socket` go this way. */
export function attachSocket(socket: WebSocket, route: Route): void {
  routes.set(socket, route);
}

/** Sends `data` to `socket` once what was stored before is committed; dropped if the socket has closed by then. */
export function deliver(socket: WebSocket, data: string): void {
  const route = routes.get(socket);
  if (route) route.barrier.afterCommit(() => sendNow(socket, data, route));
  else sendNow(socket, data, undefined);
}

/** Closes `socket` after the frames sent to it so far (an `error` saying why goes out first). */
export function closeAfterFrames(socket: WebSocket, code: number, reason: string): void {
  const close = (): void => socket.close(code, reason);
  const route = routes.get(socket);
  if (route) route.barrier.afterCommit(close);
  else close();
}

/** Whether the socket has more unsent data than its bound right now. */
export function backlogged(socket: WebSocket): boolean {
  const bound = routes.get(socket)?.bound;
  return bound !== undefined && socket.bufferedAmount > bound.bytes;
}

/** Drops the connection at once, saying why in the server's log. */
export function cutOff(socket: WebSocket, why: string): void {
  if (socket.readyState === WebSocket.CLOSED) return;
  const who = routes.get(socket)?.bound?.who ?? 'a peer';
  console.warn(`Natter demo: cut off ${who}: ${why} (${socket.bufferedAmount} bytes unsent). It may reconnect and replay.`);
  socket.terminate();
}

function sendNow(socket: WebSocket, data: string, route: Route | undefined): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  socket.send(data);
  const bound = route?.bound;
  if (!bound || socket.bufferedAmount <= bound.bytes || watched.has(socket)) return;
  // Above the bound: look again after the grace time; a reader that keeps up is below it by then.
  watched.add(socket);
  setTimeout(() => {
    watched.delete(socket);
    if (socket.readyState === WebSocket.OPEN && socket.bufferedAmount > bound.bytes) {
      cutOff(socket, `it read too little for ${bound.graceMs} ms`);
    }
  }, bound.graceMs).unref();
}
