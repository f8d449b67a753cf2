/** @jsxRuntime classic */
/** @jsx h */
import { h, type ComponentChild } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ConnectionState } from '../core/types.ts';
import type { Message } from '../model/types.ts';
import type { Ui } from './context.ts';
import { dayKey } from './dates.ts';
import { MessageItem, timeOf } from './MessageItem.tsx';

interface Props {
  ui: Ui;
  messages: readonly Message[];
  connection: ConnectionState;
  /** Whether the stored conversation has been read: the greeting waits for it, so it never flashes. */
  ready: boolean;
  /** Whether the panel is on screen: opening it scrolls to the newest message. */
  open: boolean;
  /** A quick reply was picked: send its text. */
  onReply: (text: string) => void;
}

/** How close to the bottom (px) still counts as "reading the newest messages". */
const NEAR_BOTTOM = 64;

/** Whether two messages come from the same author, so the second needs no name or avatar of its own. */
function sameAuthor(a: Message, b: Message): boolean {
  return a.author.role === b.author.role && (a.author.id ?? a.author.name) === (b.author.id ?? b.author.name);
}

/**
 * The conversation, as a `log`: screen readers announce messages as they are added, never the whole history
 * again (every message keeps its key for life). It follows new messages while the reader is at the bottom,
 * and leaves the scroll position alone while they read older ones, unless they wrote the new message.
 * The quick replies of the last message sit under it, and go as soon as anything newer arrives.
 */
export function MessageList({ ui, messages, connection, ready, open, onReply }: Props) {
  const { strings, dates } = ui;
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const lastKey = useRef<string | undefined>(undefined);

  useLayoutEffect(() => {
    const list = ref.current;
    const last = messages.at(-1);
    if (last && last.key !== lastKey.current && last.author.role === 'visitor') atBottom.current = true;
    lastKey.current = last?.key;
    if (list && open && atBottom.current) list.scrollTop = list.scrollHeight;
    // After every render, not only on new messages: a card appearing below (the rating, the away notice)
    // shrinks the list, and the newest message must stay in view.
  });

  const onScroll = () => {
    const list = ref.current!;
    atBottom.current = list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_BOTTOM;
  };

  const latestVisitor = messages.findLast((message) => message.author.role === 'visitor')?.key;
  const replies = messages.at(-1)?.quickReplies;

  const items: ComponentChild[] = [];
  let previous: Message | undefined;
  let previousDay: number | undefined;
  for (const message of messages) {
    const at = timeOf(message);
    const day = dayKey(at);
    const newDay = day !== previousDay;
    // "Today", "Yesterday" or the date, above the first message of each day.
    if (newDay) {
      items.push(
        <div key={`day:${day}`} class="day">
          <span>{dates.day(at)}</span>
        </div>,
      );
    }
    items.push(
      <MessageItem
        ui={ui}
        key={message.key}
        message={message}
        connection={connection}
        first={newDay || !sameAuthor(previous!, message)}
        latest={message.key === latestVisitor}
      />,
    );
    previous = message;
    previousDay = day;
  }

  return (
    // Focusable so keyboard users can scroll it.
    <div
      ref={ref}
      class="log"
      role="log"
      aria-live="polite"
      aria-relevant="additions"
      aria-label={strings.messages}
      tabIndex={0}
      onScroll={onScroll}
    >
      {ready && messages.length === 0 && <p class="greeting">{strings.greeting}</p>}
      {items}
      {replies && (
        <div class="chips">
          {replies.map((text) => (
            <button type="button" class="btn" data-testid="quick-reply" onClick={() => onReply(text)}>
              {text}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
