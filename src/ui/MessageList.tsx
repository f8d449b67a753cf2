/** @jsxRuntime classic */
/** @jsx h */
import { Component, h, type ComponentChild } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ConnectionState } from '../core/types.ts';
import type { Message } from '../model/types.ts';
import type { Ui } from './context.ts';
import { dayKey } from './dates.ts';
import { Invitation, MessageItem, timeOf } from './MessageItem.tsx';

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
  /** Whether older messages are stored than the first in `messages`. */
  hasOlder?: boolean;
  /** How far each upload is, by message key. */
  uploads?: Readonly<Record<string, number>>;
  /** The site's invitation waiting for the customer's answer: the newest thing in the conversation. */
  invitation?: string | undefined;
  /** What the empty conversation shows. */
  greeting?: ComponentChild;
}

/** How many of the newest messages are in the DOM while the reader is at the bottom. */
const WINDOW = 60;
/** How many more come in (from memory, else from storage) when the reader nears the top. */
const STEP = 40;
/**
 * At most this many older messages in the DOM while the reader scrolls back: the block slides up as they
 * go back (what leaves is below the screen) and down as they come back (what leaves is above it, and the
 * reader's place is kept), so going back 1,000 messages never lays out 1,000.
 */
const OLDER_MAX = WINDOW * 3;

type ItemProps = Parameters<typeof MessageItem>[0];

/** A message re-renders only when its own props changed: a new message or a typing frame leaves the others alone. */
class Item extends Component<ItemProps> {
  override shouldComponentUpdate(next: ItemProps): boolean {
    const now = this.props;
    return (
      next.message !== now.message ||
      next.connection !== now.connection ||
      next.first !== now.first ||
      next.latest !== now.latest ||
      next.stamp !== now.stamp ||
      next.progress !== now.progress
    );
  }
  override render(props: ItemProps) {
    return MessageItem(props);
  }
}

/** How close to the bottom (px) still counts as "reading the newest messages". */
const NEAR_BOTTOM = 64;

/** Messages of one author this close (ms) to the next share that one's time. */
const RUN = 5 * 60_000;

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
export function MessageList({ ui, messages, connection, ready, open, onReply, hasOlder, invitation, uploads, greeting }: Props) {
  const { strings, dates, client } = ui;
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const lastKey = useRef<string | undefined>(undefined);
  /** The message at the top of the screen, and how far below the list's top it was, before the window moved. */
  const anchor = useRef<{ key: string; top: number } | undefined>(undefined);
  /** The end of the older block, when messages between it and the live region are not in the DOM. */
  const gap = useRef<HTMLDivElement>(null);
  const loading = useRef(false);
  // Only a window is in the DOM: the newest messages (from `live` on, in the live region, which only ever
  // grows at its end, so a screen reader announces new messages and nothing else), and older ones the reader
  // scrolled back to (from `start`, above the live region, so bringing them in announces nothing). Both
  // start at a message's key, so that messages added above or below do not move them.
  const [liveKey, setLiveKey] = useState<string | undefined>(undefined);
  const [firstKey, setFirstKey] = useState<string | undefined>(undefined);
  /** The key of the message just above the live region when it was anchored. */
  const above = useRef<string | undefined>(undefined);
  const indexOf = (key: string | undefined) => (key === undefined ? -1 : messages.findIndex((message) => message.key === key));
  let live = indexOf(liveKey);
  // Messages that came in above it (another conversation's history after a reset) re-anchor it: else they
  // would stay out of the DOM until the reader scrolled up, in a list too short to scroll.
  if (live < 0 || (firstKey === undefined && messages[live - 1]?.key !== above.current)) live = Math.max(0, messages.length - WINDOW);
  // At the bottom, the live region keeps only the newest: a burst of 500 puts the newest WINDOW in the DOM,
  // not 500 (one frame of 50 ms layout), and the others leave from its top, which is never announced.
  else if (atBottom.current && firstKey === undefined && messages.length - live > WINDOW * 2) live = messages.length - WINDOW;
  const start = Math.min(live, Math.max(0, indexOf(firstKey) < 0 ? live : indexOf(firstKey)));
  const olderEnd = Math.min(live, start + OLDER_MAX);
  /** The keys of the messages in the DOM, in order: the nth message element is `shown[n]`. */
  const shown: string[] = [];

  useLayoutEffect(() => {
    const list = ref.current;
    const last = messages.at(-1);
    if (last && last.key !== lastKey.current && last.author.role === 'visitor') atBottom.current = true;
    lastKey.current = last?.key;
    const kept = anchor.current;
    anchor.current = undefined;
    const element = kept && list?.querySelectorAll<HTMLElement>('[data-testid="message"]')[shown.indexOf(kept.key)];
    // The reader's place: the message that was at the top of the screen stays where it was.
    if (list && element && Math.abs(element.offsetTop - list.scrollTop - kept!.top) > 0.5) list.scrollTop = element.offsetTop - kept!.top;
    if (list && open && atBottom.current) list.scrollTop = list.scrollHeight;
    // After every render, not only on new messages: a card appearing below (the rating, the away notice)
    // shrinks the list, and the newest message must stay in view.
    above.current = messages[live - 1]?.key;
    if (messages[live] && messages[live]!.key !== liveKey) setLiveKey(messages[live]!.key);
  });

  /** Notes the message at the top of the screen, for the next render to keep it in place. */
  const remember = () => {
    const list = ref.current!;
    const elements = list.querySelectorAll<HTMLElement>('[data-testid="message"]');
    for (const [n, element] of elements.entries()) {
      if (element.offsetTop + element.offsetHeight <= list.scrollTop) continue;
      anchor.current = { key: shown[n]!, top: element.offsetTop - list.scrollTop };
      return;
    }
  };

  /** Puts older messages above: from memory while there are, then from storage. */
  const showOlder = async () => {
    if (loading.current) return;
    if (start === 0 && hasOlder) {
      loading.current = true;
      await client.loadOlder(STEP).finally(() => (loading.current = false));
      remember();
      setFirstKey(client.getState().messages[0]?.key);
    } else if (start > 0) {
      remember();
      setFirstKey(messages[Math.max(0, start - STEP)]!.key);
    }
  };

  /** Coming back down towards the gap: the older block slides down (its top leaves, above the screen). */
  const showNewer = () => {
    remember();
    setFirstKey(start + STEP < live ? messages[start + STEP]!.key : undefined);
  };

  const onScroll = () => {
    const list = ref.current!;
    atBottom.current = list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_BOTTOM;
    if (list.scrollTop < NEAR_BOTTOM * 3) void showOlder();
    else if (gap.current && gap.current.offsetTop - list.scrollTop - list.clientHeight < NEAR_BOTTOM * 3) showNewer();
    else if (atBottom.current && messages.length - start > WINDOW * 2) {
      // Back at the bottom: the window shrinks to the newest messages again (removals, never announced).
      setFirstKey(undefined);
      setLiveKey(messages[messages.length - WINDOW]?.key);
    }
  };

  const latestVisitor = messages.findLast((message) => message.author.role === 'visitor')?.key;
  const replies = messages.at(-1)?.quickReplies;

  const older: ComponentChild[] = [];
  const items: ComponentChild[] = [];
  for (let i = start; i < messages.length; i++) {
    if (i === olderEnd && olderEnd < live) {
      // Messages the reader has not scrolled to yet: the block slides down to them as they come near.
      older.push(<div key="gap" ref={gap} class="gap" />);
      i = live;
    }
    const message = messages[i]!;
    const previous = messages[i - 1];
    const into = i < live ? older : items;
    const at = timeOf(message);
    const day = dayKey(at);
    const newDay = !previous || day !== dayKey(timeOf(previous));
    // "Today", "Yesterday" or the date, above the first message of each day.
    if (newDay) {
      into.push(
        <div key={`day:${day}`} class="day">
          <span>{dates.day(at)}</span>
        </div>,
      );
    }
    const next = messages[i + 1];
    into.push(
      <Item
        ui={ui}
        key={message.key}
        message={message}
        connection={connection}
        first={newDay || !sameAuthor(previous!, message)}
        latest={message.key === latestVisitor}
        progress={uploads?.[message.key]}
        stamp={!next || !sameAuthor(message, next) || timeOf(next) - at > RUN || dayKey(timeOf(next)) !== day}
      />,
    );
    shown.push(message.key);
  }

  return (
    // Focusable so keyboard users can scroll it.
    <div ref={ref} class="log" tabIndex={0} onScroll={onScroll}>
      {ready && messages.length === 0 && !invitation && greeting}
      {older}
      <div role="log" aria-live="polite" aria-relevant="additions" aria-label={strings.messages}>
        {items}
        {invitation && <Invitation text={invitation} />}
      </div>
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
