/**
 * Where each stanza the server hands the component goes: room traffic to the rooms, visitors' requests to
 * `Requests`, agents' presence to `AgentPresence`, pings answered. Everything else is refused or ignored
 * with a log line — the component's address is reachable by anyone on the server.
 */
import type { Desk } from '../desk.ts';
import { agentCommand, type AgentCommandContext } from './agent-commands.ts';
import type { AgentPresence } from './agent-presence.ts';
import type { Assigner } from './assign.ts';
import type { Component } from './component.ts';
import { ROUTER_NS } from './frames.ts';
import { bareJid, parseJid, type Names } from './names.ts';
import { errorIq, type Requests } from './requests.ts';
import type { Rooms } from './rooms.ts';
import { el, type XmlElement } from './xml.ts';

export interface RouteContext extends AgentCommandContext {
  component: Component;
  names: Names;
  rooms: Rooms;
  presence: AgentPresence;
  requests: Requests;
  desk: Desk;
  assigner: Assigner;
  log: (line: string) => void;
}

export function routeStanza(stanza: XmlElement, c: RouteContext): void {
  const from = stanza.attrs.from ?? '';
  if (parseJid(from).domain === c.names.rooms) {
    if (stanza.name === 'presence') c.rooms.presence(stanza);
    else if (stanza.name === 'message' && stanza.attrs.type === 'error') c.log(`XMPP router: ${bareJid(from)} refused a message: ${condition(stanza)}`);
    else if (stanza.name === 'message') c.rooms.message(stanza);
    else if (stanza.name === 'iq' && (stanza.attrs.type === 'get' || stanza.attrs.type === 'set')) answerIq(stanza, c);
    return;
  }
  if (stanza.name === 'iq') {
    const type = stanza.attrs.type;
    if (type === 'set' && stanza.child('frame', ROUTER_NS)) {
      c.requests.handle(stanza).catch((error: unknown) => c.log(`XMPP router: a request failed: ${(error as Error).message}`));
    } else if (type === 'get' || type === 'set') answerIq(stanza, c);
    return;
  }
  if (stanza.name === 'presence') {
    switch (c.presence.update(stanza)) {
      case 'unknown':
        if (stanza.attrs.type !== 'error') c.log(`XMPP router: ignored presence from ${from || 'nobody'}: not an agent (XMPP_AGENTS)`);
        return;
      case 'subscribe':
        // Approve, and ask back: the server then sends the router the agent's presence at every login.
        c.component.send(el('presence', { type: 'subscribed', from: c.component.domain, to: bareJid(from) }));
        c.component.send(el('presence', { type: 'subscribe', from: c.component.domain, to: bareJid(from) }));
        c.component.send(el('presence', { from: c.component.domain, to: bareJid(from) }));
        return;
      case 'probe':
        c.component.send(el('presence', { from: c.component.domain, to: from }));
        return;
      case 'changed':
        c.desk.refreshAvailability();
        c.assigner.dispatch();
        return;
      case 'unchanged':
        return;
    }
  }
  if (stanza.name === 'message' && stanza.attrs.type !== 'error' && stanza.child('body') && c.presence.isAgent(from)) {
    agentCommand(stanza, c);
    return;
  }
  if (stanza.name === 'message') {
    const what = stanza.attrs.type === 'error' ? `an error (${condition(stanza)})` : 'a message';
    c.log(`XMPP router: ignored ${what} from ${from || 'nobody'}: only agents chat with the router`);
  }
}

/** Pings get a result (servers and clients check the component with them); any other query is unsupported. */
function answerIq(iq: XmlElement, c: RouteContext): void {
  if (iq.attrs.type === 'get' && iq.child('ping', 'urn:xmpp:ping')) {
    c.component.send(el('iq', { type: 'result', id: iq.attrs.id, from: iq.attrs.to ?? c.component.domain, to: iq.attrs.from }));
    return;
  }
  c.component.send(errorIq(iq, iq.attrs.to ?? c.component.domain, 'service-unavailable'));
}

function condition(stanza: XmlElement): string {
  return stanza.child('error')?.elements()[0]?.name ?? 'unknown';
}
