/**
 * The widget's English texts: the source every other language is translated from. Each key says where the
 * text is shown. `{name}` placeholders are filled in by `format`; keep them in translations.
 * Keys ending in `One` are the singular of the key without it (English, German and Dutch need no other forms).
 * @module
 */
export const en = {
  /** Accessible name of the round launcher button while the panel is closed and nothing is unread. */
  launcherOpen: 'Open chat',
  /** Accessible name of the launcher while closed, with one unread message from the team. */
  launcherOpenUnreadOne: 'Open chat, 1 unread message',
  /** Accessible name of the launcher while closed, with {count} (2 or more) unread messages. */
  launcherOpenUnread: 'Open chat, {count} unread messages',
  /** Accessible name of the launcher while the panel is open. */
  launcherClose: 'Close chat',
  /** Panel heading (and the dialog's name) when neither the site nor the server named the team. */
  title: 'Customer support',
  /** Accessible name of the × button in the panel's header. */
  close: 'Close chat',
  /** Under the heading: someone from the team is available now. */
  online: 'Online — we reply in minutes',
  /** Under the heading: nobody is available now; the visitor can still write. */
  away: "Away — we'll reply here as soon as we can",
  /** Under the heading: the first connection to the server is being made. */
  connecting: 'Connecting…',
  /** Under the heading: the connection dropped and is being retried. Messages wait safely meanwhile. */
  reconnecting: 'Reconnecting…',
  /** Accessible name of the scrolling list of messages (read by screen readers). */
  messages: 'Messages',
  /** Author of the visitor's own messages, read by screen readers before each one. */
  you: 'You',
  /** Author of a team member's message when the server gave no name. */
  agent: 'Team member',
  /** Visible tag next to messages written by a bot. */
  bot: 'Bot',
  /** Author of automatic notices (centred grey lines), read by screen readers before each one. */
  system: 'Notice',
  /** Separator above the first message of today. */
  today: 'Today',
  /** Separator above the first message of yesterday. */
  yesterday: 'Yesterday',
  /** Under the visitor's message while the server has not yet confirmed it. */
  sending: 'Sending…',
  /** Under the visitor's last message once the server stored it. */
  sent: 'Sent',
  /** Under the visitor's message while offline; it goes out by itself when the connection is back. */
  waiting: 'Waiting for connection…',
  /** Under the visitor's message when it could not be delivered. */
  failed: 'Failed to send',
  /** Button next to "Failed to send" that sends the message again. */
  retry: 'Retry',
  /** Label of the text box where the visitor writes (read by screen readers). */
  composerLabel: 'Your message',
  /** Grey hint inside the empty text box. */
  composerPlaceholder: 'Write a message…',
  /** Accessible name of the send button (an arrow icon). */
  send: 'Send',
  /** Under the text box when the message is close to the length limit, with 1 character left. */
  charactersLeftOne: '1 character left',
  /** Under the text box when the message is close to the length limit; {count} is what is left. */
  charactersLeft: '{count} characters left',
  /** Under the text box when the message is 1 character too long; sending is disabled. */
  charactersOverOne: '1 character over the limit — shorten your message',
  /** Under the text box when the message is {over} characters too long; sending is disabled. */
  charactersOver: '{over} characters over the limit — shorten your message',
  /** Under the text box when the message could not be handed to the outbox at all. */
  sendError: "Your message couldn't be sent. Please try again.",
  /** Shown in the empty conversation, before the first message. */
  greeting: 'Ask us anything — we usually answer here.',
};

/**
 * Every text of the widget. Translations must provide all of them; a site may override any with the
 * `strings` option of `mountWidget`.
 *
 * @example
 * ```ts
 * const mine: Partial<Strings> = { title: 'Acme support', greeting: 'Questions about your order?' };
 * mountWidget(natter, { strings: mine });
 * ```
 */
export type Strings = { [K in keyof typeof en]: string };
