/**
 * Raw requests for the team side's tests: the agents command, sign-in posts from a chosen loopback address
 * (127.0.0.2, 127.0.0.3 … are separate addresses to the server's throttling), and agent-socket upgrades with
 * exactly the headers a test names.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { root } from './harness';

export const PASSWORD = 'a long enough test password';

/** `node demo/agents.ts …` on `dataDir`, the password from NATTER_AGENT_PASSWORD. */
export function agentsCommand(dataDir: string, args: string[], password = PASSWORD): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['demo/agents.ts', ...args], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, NATTER_AGENT_PASSWORD: password }, timeout: 15_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  ms: number;
}

/** An HTTP request to the backend at `base`; `from` is the local address to send it from. */
export function send(base: string, method: string, pathname: string, options: { body?: string; headers?: Record<string, string>; from?: string } = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${base}${pathname}`, { method, headers: options.headers, localAddress: options.from ?? '127.0.0.1' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let body: any = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: kept as text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POST /inbox/login as the inbox page does it (JSON, the backend's own Origin unless told otherwise). */
export function signIn(base: string, email: string, password: string, options: { from?: string; origin?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
  const origin = options.origin === undefined ? base : options.origin;
  return send(base, 'POST', '/inbox/login', {
    body: JSON.stringify({ email, password }),
    headers: { 'Content-Type': 'application/json', ...(origin === null ? {} : { Origin: origin }), ...options.headers },
    from: options.from,
  });
}

/** The `name=value` of the session cookie a sign-in set, for the next request's Cookie header. */
export function cookieOf(answer: Answer): string {
  const setCookie = ([] as string[]).concat(answer.headers['set-cookie'] ?? []);
  if (setCookie.length !== 1) throw new Error(`expected one Set-Cookie, got ${JSON.stringify(setCookie)} (status ${answer.status})`);
  return setCookie[0]!.split(';')[0]!;
}

export type Upgrade = { status: number; socket?: undefined; closed?: undefined } | { status: 101; socket: WebSocket; closed: Promise<number> };

/** Opens /agent with exactly `headers`; the status the server answered (101 with the socket when it opened). */
export function openAgentSocket(base: string, headers: Record<string, string>): Promise<Upgrade> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/agent`, { headers });
    const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
    socket.once('open', () => resolve({ status: 101, socket, closed }));
    socket.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('error', (error) => {
      if (socket.readyState !== WebSocket.CLOSED) reject(error);
    });
  });
}

/** The snapshot an open agent socket gets for its hello. */
export function hello(socket: WebSocket, name = 'Whoever'): Promise<any> {
  return new Promise((resolve) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'snapshot') resolve(frame);
    });
    socket.send(JSON.stringify({ type: 'hello', name }));
  });
}
