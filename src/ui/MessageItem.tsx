/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import type { ConnectionState } from '../core/types.ts';
import type { Message } from '../model/types.ts';
import { Avatar } from './Avatar.tsx';
import type { Ui } from './context.ts';
import { eventText } from './event-text.ts';
import { FileSlot } from './FileSlot.tsx';
import { Linkified } from './Linkified.tsx';

interface Props {
  ui: Ui;
  message: Message;
  connection: ConnectionState;
  /** Whether the author differs from the message above: only then are the name and avatar shown. */
  first: boolean;
  /** Whether this is the visitor's latest message: only that one says "Sent", to keep the list calm. */
  latest: boolean;
  /** How far its file's upload is (0–1), while it uploads. */
  progress?: number | undefined;
  /**
   * Whether the time shows: under the last of a run of messages from one author within a few minutes. The
   * others keep theirs for screen readers, and show it while hovered or focused.
   */
  stamp: boolean;
}

/**
 * The site's invitation (`invite`), in a team member's bubble: at the end of the conversation while it waits
 * for an answer, then above the customer's answer.
 */
export const Invitation = ({ text }: { text: string }) => (
  <div class="msg msg--agent" data-testid="invitation">
    <Avatar name={undefined} />
    <div class="body">
      <div class="bubble" dir="auto">
        <Linkified text={text} />
      </div>
    </div>
  </div>
);

/** When the message happened: the server's time once stored, else this browser's. */
export function timeOf(message: Message): number {
  return message.sentAt ?? message.createdAt;
}

/**
 * One message: the visitor's own on the right, the team's and bots' on the left, notices centred. Under the
 * visitor's own, where it is on its way; that element stays in place while its text changes, so the log's
 * `aria-relevant="additions"` does not read every change aloud.
 */
export function MessageItem({ ui, message, connection, first, latest, progress, stamp }: Props) {
  const { client, strings, dates } = ui;
  if (message.unreadable) {
    return (
      <div class="msg msg--system" data-testid="message" data-key={message.key} data-role="system" data-natter-unreadable="">
        <div class="body">
          <div class="bubble">{strings.unreadable}</div>
        </div>
      </div>
    );
  }
  const { role, name } = message.author;
  const { status } = message;
  const at = timeOf(message);
  const author =
    role === 'visitor' ? strings.you : role === 'system' ? strings.system : role === 'agent' ? (name ?? strings.agent) : name;
  const team = role === 'agent' || role === 'bot';
  // The visitor's side and notices are told apart by place; screen readers still hear who wrote.
  const nameVisible = first && team;
  const item = (
    <div class={`msg msg--${role}`} data-testid="message" data-key={message.key} data-role={role} data-status={status}>
      {team && <Avatar name={first ? (name ?? (role === 'bot' ? strings.bot : strings.agent)) : undefined} />}
      <div class="body">
        {(author || role === 'bot') && (
          <div class={nameVisible ? 'author' : 'author sr'}>
            {/* Isolated: a name's bidi controls cannot turn the words after it around. */}
            {author && <bdi class="name">{author}</bdi>}
            {role === 'bot' && <span class="tag">{strings.bot}</span>}
          </div>
        )}
        <div class="bubble" dir="auto">
          {message.file ? <FileSlot ui={ui} message={message} progress={progress} /> : <Linkified text={(message.event && eventText(message.event, strings)) || message.text} />}
        </div>
        <div class="meta">
          <time dateTime={new Date(at).toISOString()} title={dates.full(at)} class={stamp ? undefined : 'sr'}>
            {dates.time(at)}
          </time>
          {role === 'visitor' && (
            <span class={`status status--${status}`}>
              {status === 'failed'
                ? strings.failed
                : status === 'sending'
                  ? connection === 'open'
                    ? strings.sending
                    : strings.waiting
                  : latest
                    ? strings.sent
                    : ''}
            </span>
          )}
          {status === 'failed' && (
            <button type="button" class="btn retry" data-testid="retry" onClick={() => client.retry(message.key)}>
              {strings.retry}
            </button>
          )}
        </div>
      </div>
    </div>
  );
  return message.context ? [<Invitation text={message.context} />, item] : item;
}
