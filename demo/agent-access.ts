/**
 * Who may open the agent socket. The demo has no agent login, so two browser attacks are shut out:
 * any web page the agent visits opening ws://127.0.0.1:8080/agent (cross-site WebSocket hijacking —
 * browsers send an Origin that then differs from the Host), and a hostile domain re-pointed at
 * 127.0.0.1 (DNS rebinding — the Host is then not a loopback name). Clients that are not browsers
 * send no Origin and are let in; put real authentication in front before exposing this anywhere.
 */
import type { IncomingMessage } from 'node:http';

function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

export function mayOpenAgentSocket(req: IncomingMessage, listenHost: string): boolean {
  const host = req.headers.host;
  if (host === undefined) return false;
  const listensOnLoopback = isLoopbackName(hostnameOf(listenHost.includes(':') ? `[${listenHost}]` : listenHost) ?? '');
  if (listensOnLoopback && !isLoopbackName(hostnameOf(host) ?? '')) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    const from = new URL(origin);
    // Parse Host with the origin's scheme so a default port (:443 behind a TLS proxy) compares equal.
    return from.host === new URL(`${from.protocol}//${host}`).host;
  } catch {
    return false;
  }
}
