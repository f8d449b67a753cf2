/**
 * The agent inbox on an XMPP deployment (`XMPP_INBOX_PORT`): the reference backend's inbox page and agent
 * socket (`/inbox`, `/agent`: http.ts, agent-socket.ts), served by the router on loopback with the router's
 * own store, desk and hub, so a site keeps one inbox whichever backend it runs. Sign-in and Origin rules are
 * the reference backend's (auth.ts, agent-access.ts): agent accounts in DATA_DIR, open without any only
 * because this listens on 127.0.0.1 alone. No visitor socket and no files: visitors come over XMPP.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { agentAccess, AgentGrants, type AgentGrant } from '../agent-access.ts';
import { acceptAgent } from '../agent-socket.ts';
import { parseInboxOrigins, TeamAuth } from '../auth.ts';
import type { ConversationStore } from '../conversation-store.ts';
import type { Desk } from '../desk.ts';
import { startHeartbeat } from '../heartbeat.ts';
import { createHttpHandler, defaultDistDir } from '../http.ts';
import type { Hub } from '../hub.ts';
import { attachSocket } from '../outbound.ts';

const HOST = '127.0.0.1';
const MAX_PAYLOAD = 64 * 1024;

export interface InboxOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  store: ConversationStore;
  hub: Hub;
  desk: Desk;
  /** `INBOX_ORIGIN`, as on the reference backend (a proxy in front of this port). */
  inboxOrigin?: string;
  helloTimeoutMs?: number;
  log: (line: string) => void;
}

export interface RunningInbox {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** The request's path; undefined for a target `new URL` throws on (`//[`), as http.ts explains. */
function pathOf(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

export async function startInbox(options: InboxOptions): Promise<RunningInbox> {
  const { store, hub, desk } = options;
  const auth = new TeamAuth({ dataDir: options.dataDir, host: HOST, inboxOrigins: parseInboxOrigins(options.inboxOrigin) });
  auth.assertMayListen(HOST, options.dataDir);
  const grants = new AgentGrants(auth);
  let port = options.port;
  const agents = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
  agents.on('connection', (socket: WebSocket, _req: IncomingMessage, grant: AgentGrant) => {
    socket.on('error', (error) => options.log(`XMPP router: closed an agent socket after a protocol error: ${error.message}`));
    grants.add(socket, grant);
    attachSocket(socket, { barrier: store });
    acceptAgent(socket, { store, hub, desk, helloTimeoutMs: options.helloTimeoutMs ?? 10_000, account: () => grants.accountOf(socket), used: () => grants.touch(socket) });
  });
  const stopHeartbeat = startHeartbeat([agents], 30_000);
  const sweep = setInterval(() => grants.sweep(), 1000).unref();
  const handler = createHttpHandler({ distDir: defaultDistDir, fallbackHost: () => `${HOST}:${port}`, auth: { auth, endSession: (id) => grants.endSession(id) } });
  const http = createServer((req, res) => {
    // `/` is the demo shop on the reference backend; here visitors come over XMPP, so it is the inbox.
    if (pathOf(req) === '/') res.writeHead(302, { Location: '/inbox' }).end();
    else void handler(req, res);
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const access = pathOf(req) === '/agent' ? agentAccess(req, auth) : ({ ok: false, status: '404 Not Found' } as const);
    if (access.ok) agents.handleUpgrade(req, socket, head, (ws) => agents.emit('connection', ws, req, access.grant));
    else socket.end(`HTTP/1.1 ${access.status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, HOST, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    stopHeartbeat();
    clearInterval(sweep);
    throw error;
  }
  port = (http.address() as AddressInfo).port;
  return {
    port,
    url: `http://${HOST}:${port}`,
    async close() {
      stopHeartbeat();
      clearInterval(sweep);
      for (const socket of agents.clients) socket.terminate();
      agents.close();
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await stopped;
    },
  };
}
