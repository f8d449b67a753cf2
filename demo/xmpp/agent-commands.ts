/**
 * What an agent asks the router in a chat with it (any XMPP client can do that): `end` ends their live chat
 * (`end ROOM` when they have several), `queue` lists who is waiting, anything else gets the list of commands.
 * The visitor hears of an ended chat as on the reference backend (a line in the room, a `session` push).
 */
import { currentSession, type ConversationStore } from '../conversation-store.ts';
import type { Desk } from '../desk.ts';
import type { Component } from './component.ts';
import { bareJid, type Names } from './names.ts';
import { el, type XmlElement } from './xml.ts';

export interface AgentCommandContext {
  component: Component;
  names: Names;
  store: ConversationStore;
  desk: Desk;
}

const HELP = 'Commands: "end" ends your live chat ("end ROOM" if you have several); "queue" lists the visitors waiting for live chat.';

/** Handles a chat message from an agent to the router. */
export function agentCommand(message: XmlElement, c: AgentCommandContext): void {
  const from = message.attrs.from ?? '';
  const agent = bareJid(from);
  const [command = '', argument] = (message.childText('body') ?? '').trim().split(/\s+/);
  const reply = (text: string): void => c.component.send(el('message', { type: 'chat', from: c.component.domain, to: from }, el('body', {}, text)));
  switch (command.toLowerCase()) {
    case 'end': {
      const mine = c.store.all().filter((conversation) => {
        const session = currentSession(conversation);
        return session?.state === 'live' && session.agent?.id === agent;
      });
      const rooms = mine.map((conversation) => c.names.roomOf(conversation.meta.visitorId));
      const chosen = argument === undefined ? (mine.length === 1 ? 0 : -1) : rooms.findIndex((room) => room === argument || room.startsWith(`${argument}@`));
      if (mine.length === 0) return reply('You have no live chat to end.');
      if (chosen < 0) return reply(`Which one? You are live in: ${rooms.join(', ')}. Say "end ROOM".`);
      const outcome = c.desk.end(mine[chosen]!.meta.id);
      return reply(outcome.ok ? `Ended the chat in ${rooms[chosen]}.` : outcome.message);
    }
    case 'queue': {
      const queued = c.desk.queuedConversations();
      if (queued.length === 0) return reply('Nobody is waiting.');
      const rooms = queued.map((id, index) => `${index + 1}. ${c.names.roomOf(c.store.get(id)!.meta.visitorId)}`);
      return reply(`Waiting for live chat:\n${rooms.join('\n')}`);
    }
    default:
      return reply(HELP);
  }
}
