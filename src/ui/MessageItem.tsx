import type { ConnectionState, Message } from '../core/types.ts';
import { Avatar } from './Avatar.tsx';
import { useUi } from './context.ts';
import { eventText } from './event-text.ts';
import { Linkified } from './Linkified.tsx';
import { MessageStatus } from './MessageStatus.tsx';

interface Props {
  message: Message;
  connection: ConnectionState;
  /** Whether the author differs from the message above: only then are the name and avatar shown. */
  first: boolean;
  /** Whether this is the visitor's latest message. */
  latest: boolean;
}

/** When the message happened: the server's time once stored, else this browser's. */
export function timeOf(message: Message): number {
  return message.sentAt ?? message.createdAt;
}

/** One message: the visitor's own on the right, the team's and bots' on the left, notices centred. */
export function MessageItem({ message, connection, first, latest }: Props) {
  const { strings, dates } = useUi();
  const { role, name } = message.author;
  const at = timeOf(message);
  const author =
    role === 'visitor' ? strings.you : role === 'system' ? strings.system : role === 'agent' ? (name ?? strings.agent) : name;
  const team = role === 'agent' || role === 'bot';
  // The visitor's side and notices are told apart by place; screen readers still hear who wrote.
  const nameVisible = first && team;
  return (
    <div class={`msg msg--${role}`} data-testid="message" data-role={role} data-status={message.status}>
      {team && <Avatar name={first ? (name ?? (role === 'bot' ? strings.bot : strings.agent)) : undefined} />}
      <div class="body">
        {(author || role === 'bot') && (
          <div class={nameVisible ? 'author' : 'author sr'}>
            {author && <span class="name">{author}</span>}
            {role === 'bot' && <span class="tag">{strings.bot}</span>}
          </div>
        )}
        <div class="bubble">
          <Linkified text={(message.event && eventText(message.event, strings)) || message.text} />
        </div>
        <div class="meta">
          <time dateTime={new Date(at).toISOString()} title={dates.full(at)}>
            {dates.time(at)}
          </time>
          {role === 'visitor' && <MessageStatus message={message} connection={connection} latest={latest} />}
        </div>
      </div>
    </div>
  );
}
