/**
 * The widget's English texts: the source every other language is translated from. Each key says where the
 * text is shown. `{name}` placeholders are filled in by `format`; keep them in translations.
 * Counted texts have one key per plural category of the language (`unread_one`, `unread_other`; Arabic adds
 * `_zero`, `_two`, `_few`, `_many`), chosen by `Intl.PluralRules`; `_other` is the fallback, so a language
 * leaves out the categories its counts cannot reach (stars are 1–5; nothing is 0 unread or 0 over).
 * @module
 */
export const en = {
  /** Accessible name of the round launcher button while the panel is closed and nothing is unread. */
  launcherOpen: 'Open chat',
  /** After the launcher's name ("Open chat, 1 unread message") while one message from the team is unread. */
  unread_one: '1 unread message',
  /** After the launcher's name while {count} (2 or more) messages from the team are unread. */
  unread_other: '{count} unread messages',
  /** Accessible name of the launcher while the panel is open, and of the × button in the panel's header. */
  launcherClose: 'Close chat',
  /** Panel heading (and the dialog's name) when neither the site nor the server named the team. */
  title: 'Customer support',
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
  /** Under the visitor's message while the server has not yet confirmed it. */
  sending: 'Sending…',
  /** Under the visitor's last message once the server stored it. */
  sent: 'Sent',
  /** Under the visitor's message while offline; it goes out by itself when the connection is back. */
  waiting: 'Waiting for connection…',
  /** Under the visitor's message when it could not be delivered; also under the text box when the message could
   * not be handed to the outbox at all (the text is put back in the box). */
  failed: 'Failed to send',
  /** Button next to "Failed to send" that sends the message again. */
  retry: 'Retry',
  /** A neutral line where the server has a message this version of the widget cannot read. */
  unreadable: 'A message could not be shown here.',
  /** Small notice above the text box while the server asks the customer to wait before writing more (rate limits);
   * what they wrote is kept and sent by itself. */
  slowDown: 'Slow down a moment — your messages will go out shortly.',
  /** Small notice above the text box when the browser refuses to store the conversation (storage full or
   * blocked); the chat goes on while the page is open. */
  storageProblem: "This chat can't be saved on this device.",
  /** Label of the text box where the visitor writes (read by screen readers). */
  composerLabel: 'Your message',
  /** Grey hint inside the empty text box. */
  composerPlaceholder: 'Write a message…',
  /** Accessible name of the send button (an arrow icon), and the button that sends a rating. */
  send: 'Send',
  /** Under the text box when the message is close to the length limit, with 1 character left. */
  charactersLeft_one: '1 character left',
  /** Under the text box when the message is close to the length limit; {count} is what is left. */
  charactersLeft_other: '{count} characters left',
  /** Under the text box when the message is 1 character too long; sending is disabled. */
  charactersOver_one: 'Shorten your message by 1 character',
  /** Under the text box when the message is {count} characters too long; sending is disabled. */
  charactersOver_other: 'Shorten your message by {count} characters',
  /** Shown in the empty conversation, before the first message. */
  greeting: 'Ask us anything — we usually answer here.',
  /** Under the heading in messaging: the team's usual reply time; {time} is "30 minutes", "2 hours", "1 day"… */
  replyTime: 'We usually reply within {time}',
  /** Heading while the visitor waits for live chat, and the notice in the conversation when they start waiting. */
  queued: 'Waiting for an agent…',
  /** Under the heading while waiting for live chat; {position} is the visitor's place in the queue (1, 2, …). */
  queuePosition: "You're number {position} in line",
  /** After the place in the queue, when known: the expected wait; {time} is "3 minutes", "1 hour"… */
  queueWait: 'about {time}',
  /** Under the agent's name in the heading during a live chat. */
  live: 'Live chat',
  /** Button above the text box that asks for a live chat with the team; also the notice in the conversation when
   * the team switches it to live chat. */
  startLive: 'Chat live with us',
  /** Button above the text box while waiting for live chat: stops waiting. The conversation goes on. */
  leaveQueue: 'Leave queue',
  /** Button above the text box during a live chat: ends it. The conversation goes on as messages. */
  endLive: 'End chat',
  /** Button above the text box after a bot has answered: asks for a person from the team. */
  handoff: 'Talk to a person',
  /** Below the messages while someone on the team writes; {name} is their name, or "Team member". */
  typing: '{name} is typing…',
  /** Heading of the card that asks the visitor to rate the live chat that just ended. */
  rateTitle: 'How was this chat?',
  /** Accessible name of the first star on the rating card. */
  stars_one: '1 star',
  /** Accessible name of the other stars on the rating card; {count} is 2 to 5. */
  stars_other: '{count} stars',
  /** Label of the optional comment box on the rating card. */
  rateComment: 'Comment (optional)',
  /** Replaces the rating card once the visitor has rated the chat. */
  rateThanks: 'Thanks for your feedback!',
  /** Above the text box while nobody is there, when the team set no away message of its own. */
  awayMessage: "We're away right now.",
  /** Label of the email field shown while the team is away. */
  emailLabel: 'Get the reply by email',
  /** Button next to the email field that saves the address. */
  emailSave: 'Save',
  /** Under the email field when what was typed is not an email address; nothing was sent. */
  emailInvalid: 'Enter an email address such as name@example.com',
  /** In place of the email field once an address is saved, and as a notice in the conversation. */
  emailSaved: "We'll email you at {email} when we reply.",
  /** Notice in the conversation: {name} (a team member) joined the live chat. */
  joined: '{name} joined the chat',
  /** Notice in the conversation: the live chat ended. The visitor can go on writing. */
  ended: "Chat ended — write here and we'll reply",
  /** Notice in the conversation: a bot passed the visitor on to the live chat queue. */
  handoffLive: 'Connecting you to a person…',
  /** Notice in the conversation: nobody can chat live now; a person will answer in this conversation later. Also
   * shown when the team switches the conversation to messaging. */
  handoffMessaging: 'A person will reply here as soon as possible.',
  /** Notice in the conversation after the visitor rated the chat; {score} is 1 to 5. */
  rated: 'Thanks for rating this chat {score}/5.',
  /** Put before the page's own title while its tab is in the background: "(2) New message · Shop". */
  newMessage: 'New message',
  /** A small question above the text box, once the visitor has written, where the site asks before storing the
   * conversation in the browser; answered with the two buttons below. Asked once; a "no" keeps it in memory only. */
  keepAsk: 'Keep this chat on this device?',
  /** Button after `keepAsk`: store the conversation in this browser. */
  keepYes: 'Yes',
  /** Button after `keepAsk`: do not store it (it is gone when the page is closed). */
  keepNo: 'No',
  /** Accessible name of the paperclip button next to the text box that picks files (images, PDFs) to send. */
  attach: 'Attach files',
  /** Under the text box when a picked, pasted or dropped file is empty; nothing was sent. {name} is the file's name. */
  fileEmpty: '{name} is empty.',
  /** Under the text box when a file is over the size limit; {max} is the limit such as "10 MB". Nothing was sent. */
  fileTooBig: '{name} is too big (max. {max}).',
  /** Under the text box when a file is of a type the team does not take. Nothing was sent. */
  fileType: "{name}: this type of file can't be sent.",
  /** Under the text box when more files were picked at once than allowed; {count} is the limit. */
  fileCount: 'Send up to {count} files at a time.',
  /** Button on a file that is still uploading: takes it back; it is not sent. */
  cancel: 'Cancel',
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
export type Strings = { [K in keyof typeof en]: string } & { [K in `${CountedKey}_${Intl.LDMLPluralRule}`]?: string };

/** The texts that depend on a count: each has a key per plural category, `<key>_<category>`. */
export type CountedKey = { [K in keyof typeof en]: K extends `${infer Base}_other` ? Base : never }[keyof typeof en];
