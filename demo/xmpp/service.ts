/**
 * The routing service wired together: one component connection, the reference backend's store (SQLite in
 * `dataDir`), desk and bot behind an XMPP hub, the rooms, agents' presence and assignment, and optionally
 * the reference backend's agent inbox on loopback (`inboxPort`: inbox.ts). Importable, so
 * tests run a real router in-process; `router.ts` starts it from the environment.
 */
import { ConversationStore } from '../conversation-store.ts';
import { Desk } from '../desk.ts';
import { IdentityVerifier, type IdentityOptions } from '../identity.ts';
import { deskPolicy, DEFAULT_TEAM_NAME } from '../start.ts';
import { AgentPresence } from './agent-presence.ts';
import { Assigner } from './assign.ts';
import { Component } from './component.ts';
import { ConversationRooms } from './conversation-rooms.ts';
import { pushMessage, roomLine } from './frames.ts';
import { startInbox, type RunningInbox } from './inbox.ts';
import { Names } from './names.ts';
import { Requests } from './requests.ts';
import { Rooms } from './rooms.ts';
import { RoomWatch } from './room-watch.ts';
import { routeStanza } from './route.ts';
import { Subjects } from './subjects.ts';
import { el } from './xml.ts';
import { XmppHub } from './xmpp-hub.ts';

export interface RouterOptions {
  /** The server's component port (XEP-0114), on `componentHost` (default 127.0.0.1). */
  componentHost?: string;
  componentPort: number;
  /** More component listeners (other cluster nodes), tried in turn after the first. */
  moreEndpoints?: Array<{ host: string; port: number }>;
  /** The router's domain, e.g. `router.example.com`, and its secret, as in the server's configuration. */
  domain: string;
  secret: string;
  /** The visitors' host. Default: the router's domain without its first label. */
  visitors?: string;
  /** The group-chat service the rooms live on, e.g. `rooms.example.com`. */
  rooms: string;
  /** Agents' accounts (bare JIDs): only they are offered chats and counted as available. */
  agents: string[];
  dataDir: string;
  teamName?: string;
  businessHours?: string;
  businessTimeZone?: string;
  replyMinutes?: number;
  awayMessage?: string;
  sessionTimeoutMs?: number;
  bot?: boolean;
  /**
   * `IDENTITY_SECRET` and `IDENTITY_AUDIENCE`, as on the reference backend: verify the site's signed identity
   * tokens (a claim to a user id without one is refused), and give a verified customer their one conversation
   * on every device. Unset: identities are taken as sent.
   */
  identity?: IdentityOptions;
  /** Serve the agent inbox (`/inbox`, `/agent`) on 127.0.0.1 at this port (0: a free one). Default: no inbox. */
  inboxPort?: number;
  /** `INBOX_ORIGIN` for that inbox, as on the reference backend. */
  inboxOrigin?: string;
  clock?: () => number;
  log?: (line: string) => void;
}

export interface RunningRouter {
  readonly component: Component;
  readonly store: ConversationStore;
  /** The agent inbox, when `inboxPort` was given. */
  readonly inbox: RunningInbox | undefined;
  /** Agents available for chats now (bare JIDs). */
  availableAgents(): string[];
  stop(): Promise<void>;
}

export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const log = options.log ?? ((line: string) => console.log(line));
  const policy = deskPolicy(options);
  const teamName = options.teamName ?? DEFAULT_TEAM_NAME;
  const names = new Names(options.visitors ?? options.domain.replace(/^[^.]+\./, ''), options.rooms);
  const endpoints = [{ host: options.componentHost ?? '127.0.0.1', port: options.componentPort }, ...(options.moreEndpoints ?? [])];
  const component = new Component({ endpoints, domain: options.domain, secret: options.secret, log });
  const store = ConversationStore.open(options.dataDir, log);
  const presence = new AgentPresence(options.agents);
  const identity = options.identity && new IdentityVerifier(options.identity);
  const places = new ConversationRooms(names, store);
  const roomOf = (conversationId: string): string | undefined => places.roomOf(conversationId);
  const rooms: Rooms = new Rooms(component, { onEnter: (room, occupant) => watch.enter(room, occupant), onLeave: (room, occupant) => watch.leave(room, occupant), onTyping: (room, occupant, typing) => watch.typing(room, occupant, typing), onMessage: (room, occupant, message) => watch.message(room, occupant, message) }, log);
  const hub = new XmppHub(store, presence, {
    post: (conversationId, item) => {
      const room = roomOf(conversationId);
      if (room === undefined) return;
      rooms.ensure(room, teamName).then(
        () => component.send(roomLine(component.domain, room, item)),
        (error: unknown) => log(`XMPP router: could not post into ${room}: ${(error as Error).message}`),
      );
    },
    push: (conversationId, frame) => {
      const conversation = store.get(conversationId);
      if (!conversation) return;
      // Its visitor, and a verified customer's other devices in its room (the others hear it at their hello).
      const to = new Set([conversation.meta.visitorId, ...rooms.occupants(names.roomOf(conversation.meta.visitorId)).map((o) => o.jid)]);
      for (const visitor of to) if (places.isVisitor(conversation, visitor)) component.send(pushMessage(component.domain, visitor, frame));
    },
    online: () => watch.online(),
  });
  const desk = new Desk({
    ...policy,
    store,
    hub,
    forceMode: null,
    clockTickMs: 60_000,
  });
  const assigner = new Assigner({ component, store, desk, presence, roomOf, log });
  // A conversation's details changed (hello, identify): the inbox hears it, and agents in XMPP clients see it.
  const subjects = new Subjects({ component, store, places, rooms, teamName, log });
  const changed = (id: string): void => {
    hub.conversationChanged(id);
    subjects.update(id);
  };
  const watch = new RoomWatch({ places, store, desk, rooms, presence, assigner, mirrored: (id, item) => hub.mirrored(id, item), changed, log });
  const requests = new Requests({ component, names, store, desk, rooms, teamName, identity, broadcast: (id, item) => hub.broadcastItem(id, item), changed, presence: (id, presence) => hub.setPresence(id, presence), dispatch: () => assigner.dispatch(), log });
  component.onStanza = (stanza) => routeStanza(stanza, { component, names, rooms, presence, requests, desk, assigner, store, log });
  component.onOnline = () => {
    presence.clear();
    rooms.rejoinAll(teamName);
    // Agents subscribed to the router answer a probe with their presence; the others send it again themselves.
    for (const agent of presence.agents()) component.send(el('presence', { type: 'probe', from: component.domain, to: agent }));
    // Whoever has not answered by then is gone: visitors hear it if that changes availability.
    setTimeout(() => desk.refreshAvailability(), 5000).unref();
  };
  let inbox: RunningInbox | undefined;
  try {
    if (options.inboxPort !== undefined) {
      const inboxOptions = { port: options.inboxPort, dataDir: options.dataDir, store, hub, desk, log };
      inbox = await startInbox(options.inboxOrigin === undefined ? inboxOptions : { ...inboxOptions, inboxOrigin: options.inboxOrigin });
    }
    await component.start();
  } catch (error) {
    await inbox?.close();
    await component.stop();
    desk.stop();
    store.close();
    throw error;
  }
  return {
    component,
    store,
    inbox,
    availableAgents: () => presence.available(),
    async stop() {
      await inbox?.close();
      rooms.leaveAll();
      await component.stop();
      desk.stop();
      store.flush();
      store.close();
    },
  };
}
