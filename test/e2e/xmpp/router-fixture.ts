/**
 * What the router's end-to-end tests share: Prosody and the router started on loopback, visitors named
 * and registered as docs/xmpp.md says, agents, and the router's IQ and headline frames read as JSON.
 */
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_IDENTITY_AUDIENCE } from '../../../demo/identity.ts';
import { startRouter, type RouterOptions, type RunningRouter } from '../../../demo/xmpp/service.ts';
import { el, XmppClient, type XmlElement } from './client.ts';
import { Prosody } from './prosody.ts';

/** The secret the identity tests give the router (`IDENTITY_SECRET`), as a site's server holds it. */
export const IDENTITY_SECRET = 'a-router-test-secret-of-32-bytes-or-more';

/** A site's identity token for customer `sub` (Ana Customer), signed with `secret`, valid for 10 minutes. */
export function signIdentity(sub: string, secret = IDENTITY_SECRET): Promise<string> {
  return new SignJWT({ name: 'Ana Customer', email: 'ana@example.com' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setAudience(DEFAULT_IDENTITY_AUDIENCE)
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret));
}

export const ROUTER_NS = 'urn:natter:router:0';

/** The visitor's account for `secret`, as the browser transport derives it. */
export function visitorAccount(secret: string): { username: string; password: string } {
  const sha = (text: string) => createHash('sha256').update(text).digest();
  return {
    username: `v${sha(`natter-xmpp-user:${secret}`).toString('hex').slice(0, 40)}`,
    password: sha(`natter-xmpp-pass:${secret}`).toString('base64url'),
  };
}

export class RouterFixture {
  readonly prosody = new Prosody();
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'natter-router-'));
  readonly logs: string[] = [];
  router: RunningRouter | undefined;
  readonly #clients: XmppClient[] = [];
  readonly #registered = new Set<string>();

  agentJid(name: string): string {
    return `${name}@${this.prosody.domain}`;
  }

  async start(agents: string[], options: Partial<RouterOptions> = {}): Promise<void> {
    await this.prosody.start();
    await this.startRouter(agents, options);
  }

  async startRouter(agents: string[], options: Partial<RouterOptions> = {}): Promise<void> {
    this.router = await startRouter({
      componentPort: this.prosody.ports.component,
      domain: this.prosody.router,
      secret: this.prosody.routerSecret,
      rooms: this.prosody.rooms,
      agents: agents.map((name) => this.agentJid(name)),
      dataDir: this.dataDir,
      log: (line) => this.logs.push(line),
      ...options,
    });
  }

  async stopRouter(): Promise<void> {
    await this.router?.stop();
    this.router = undefined;
  }

  async stop(): Promise<void> {
    for (const client of this.#clients) client.close();
    await this.stopRouter();
    await this.prosody.stop();
  }

  /** A registered, logged-in account. */
  async login(username: string, password: string, register = !this.#registered.has(username)): Promise<XmppClient> {
    const client = await XmppClient.login(this.prosody.websocketUrl, this.prosody.domain, username, password, { register });
    this.#registered.add(username);
    this.#clients.push(client);
    return client;
  }

  async visitor(secret: string): Promise<XmppClient> {
    const { username, password } = visitorAccount(secret);
    return this.login(username, password);
  }

  /** An agent, logged in and available to the router (directed presence). */
  async agent(name: string): Promise<XmppClient> {
    const client = await this.login(name, `password-of-${name}`);
    client.send(el('presence', { to: this.prosody.router }));
    // The presence reaches the router on another stream than the test's next stanza: wait until it counts.
    for (let i = 0; i < 100 && !this.router?.availableAgents().includes(this.agentJid(name)); i++) await new Promise((r) => setTimeout(r, 20));
    if (!this.router?.availableAgents().includes(this.agentJid(name))) throw new Error(`the router did not see ${name}'s presence`);
    return client;
  }

  /** Sends a Natter frame to the router; resolves with the answer's JSON. */
  async request(client: XmppClient, frame: object): Promise<Record<string, unknown>> {
    const result = await client.iq(el('iq', { type: 'set', to: this.prosody.router }, el('frame', { xmlns: ROUTER_NS }, JSON.stringify(frame))));
    return frameJson(result);
  }

  async hello(client: XmppClient, extra: object = {}): Promise<Record<string, unknown>> {
    return this.request(client, { type: 'hello', v: 1, visitorId: 'not-sent-over-xmpp', ...extra });
  }
}

/** The JSON in a stanza's `<frame>` (or `<natter>`). */
export function frameJson(stanza: XmlElement, name = 'frame'): Record<string, unknown> {
  const frame = stanza.child(name);
  if (!frame) throw new Error(`no <${name}> in ${stanza.toString()}`);
  return JSON.parse(frame.text()) as Record<string, unknown>;
}

/** A headline push from the router with a frame of `type` (and passing `test`). */
export function isPush(type: string, test: (frame: Record<string, unknown>) => boolean = () => true) {
  return (stanza: XmlElement): boolean => {
    if (stanza.name !== 'message' || stanza.attrs.type !== 'headline' || !stanza.child('frame', ROUTER_NS)) return false;
    const frame = frameJson(stanza);
    return frame.type === type && test(frame);
  };
}

/** Enters a room with `nick`; resolves with the self-presence, rejects with the room's error condition. */
export async function enterRoom(client: XmppClient, room: string, nick: string): Promise<XmlElement> {
  const since = client.received.length;
  client.send(el('presence', { to: `${room}/${nick}` }, el('x', { xmlns: 'http://jabber.org/protocol/muc' })));
  const answer = await client.waitFor((s) => s.name === 'presence' && s.attrs.from === `${room}/${nick}`, { since, what: `presence from ${room}/${nick}` });
  if (answer.attrs.type === 'error') throw new Error(`entering ${room}: ${answer.child('error')?.elements()[0]?.name ?? 'error'}`);
  return answer;
}

/** A groupchat message with `text` and the Natter client id `id` (docs/xmpp.md, "Room traffic"). */
export function roomMessage(room: string, id: string, text: string): XmlElement {
  return el('message', { type: 'groupchat', to: room, id }, el('body', {}, text), el('origin-id', { xmlns: 'urn:xmpp:sid:0', id }));
}

export function isRoomMessage(room: string, test: (body: string, stanza: XmlElement) => boolean) {
  return (stanza: XmlElement): boolean =>
    stanza.name === 'message' && stanza.attrs.type === 'groupchat' && (stanza.attrs.from ?? '').startsWith(`${room}/`) && test(stanza.childText('body') ?? '', stanza);
}
