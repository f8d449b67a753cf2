// The agent inbox of the Natter reference backend. Plain browser JavaScript, no build step.
// It speaks the agent protocol (docs/protocol.md, "Reference backend: agent protocol") on /agent.
//
// Everything that came over the network is visitor-controlled text: it only ever reaches the page
// through textContent / createTextNode, never innerHTML.

import { leaveIfSignedOut, loadAccess, showAccess } from './inbox-account.js';
import { dateAndTime, el, isVerified, modeOf, modeText, timeElement, verifiedBadge, visitorLabel } from './inbox-dom.js';
import { ConversationList } from './inbox-list.js';
import { ThreadView } from './inbox-thread.js';
import { slotAnswered, uploadFile } from './inbox-files.js';

const MAX_TEXT_LENGTH = 4000;
/** The server closes the agent socket with this code when the agent's sign-in ended. */
const CLOSE_SIGNED_OUT = 4401;
const NAME_KEY = 'natter-inbox-name';
/** Where the inbox keeps "Away": a reload comes back away, without announcing the agent available first. */
const AWAY_KEY = 'natter-inbox-away';
/** Our "typing" is repeated at most this often while the agent types… */
const TYPING_REPEAT_MS = 3000;
/** …and "stopped" follows this long after the last keystroke. */
const TYPING_IDLE_MS = 4000;
/** The visitor's typing indicator goes away after this long without news. */
const TYPING_SHOWN_MS = 6000;

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const ui = {
  name: /** @type {HTMLInputElement} */ ($('agent-name')),
  availability: $('availability'),
  connection: $('connection'),
  notice: $('notice'),
  announcer: $('announcer'),
  conversations: $('conversations'),
  noConversations: $('no-conversations'),
  agents: $('agents'),
  placeholder: $('placeholder'),
  thread: $('thread'),
  threadTitle: $('thread-title'),
  threadDetails: $('thread-details'),
  messages: $('messages'),
  form: /** @type {HTMLFormElement} */ ($('reply-form')),
  input: /** @type {HTMLTextAreaElement} */ ($('reply-input')),
  send: /** @type {HTMLButtonElement} */ ($('reply-send')),
  file: /** @type {HTMLInputElement} */ ($('reply-file')),
  teamStatus: $('team-status'),
  forceMode: /** @type {HTMLSelectElement} */ ($('force-mode')),
  queue: $('queue'),
  queueEmpty: $('queue-empty'),
  threadMode: $('thread-mode'),
  endSession: /** @type {HTMLButtonElement} */ ($('end-session')),
  visitorTyping: $('visitor-typing'),
  visitorEmail: $('visitor-email'),
  visitorLocale: $('visitor-locale'),
  visitorPage: $('visitor-page'),
  visitorAttributes: $('visitor-attributes'),
  sessionDetails: $('session-details'),
  ratings: $('ratings'),
  noRatings: $('no-ratings'),
  banner: $('open-banner'),
  account: $('account'),
  signOut: /** @type {HTMLButtonElement} */ ($('sign-out')),
};

const state = {
  name: initialName(),
  /** What the agent chose; re-announced in every hello so a reconnect (or a reload) does not flip it. */
  available: !storedAway(),
  connected: false,
  /** @type {Map<string, {meta: any, items: any[]}>} */
  conversations: new Map(),
  /** @type {string | null} */
  selectedId: null,
  /** @type {{id: string, name: string, available: boolean} | null} */
  you: null,
  /** @type {Array<{id: string, name: string, available: boolean}>} */
  agents: [],
  /** Replies not acknowledged yet, by clientId. Resent (same clientId, so stored once) after a reconnect. */
  outbox: new Map(),
  /** @type {Map<string, number>} */
  unread: new Map(),
  /** What visitors are told: {agents, open, replyMinutes?, awayMessage?, nextOpenAt?}. */
  availability: null,
  /** The mode the server imposes on visitors: 'live', 'messaging' or null. */
  forcedMode: null,
  /** Conversations whose visitor is typing, with the timer that hides the indicator. @type {Map<string, number>} */
  visitorTyping: new Map(),
};

/** Our own typing: the conversation we said we type in, and when we said it last. */
const typing = { conversationId: null, sentAt: 0, idleTimer: 0 };

// ---- connection -----------------------------------------------------------------------------------

/** @type {WebSocket | null} */
let socket = null;
let attempt = 0;

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/agent`);
  socket = ws;
  let opened = false;
  ws.addEventListener('open', () => {
    opened = true;
    sendFrame({ type: 'hello', name: state.name, available: state.available });
  });
  ws.addEventListener('message', (event) => {
    if (socket !== ws) return;
    let frame;
    try {
      frame = JSON.parse(String(event.data));
    } catch {
      return;
    }
    if (frame && typeof frame === 'object') handleFrame(frame);
  });
  ws.addEventListener('close', async (event) => {
    if (socket !== ws) return;
    socket = null;
    setConnected(false);
    // Refused (the session ended, or the server restarted and forgot it) or signed out: sign in again.
    if ((!opened || event.code === CLOSE_SIGNED_OUT) && (await leaveIfSignedOut())) return;
    // Exponential backoff with jitter, so a restarted server is not hit by every inbox at once.
    const ceiling = Math.min(30_000, 500 * 2 ** attempt++);
    setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  });
}

function sendFrame(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function setConnected(connected) {
  state.connected = connected;
  ui.connection.textContent = connected ? 'connected' : 'disconnected';
  ui.connection.classList.toggle('is-connected', connected);
}

// ---- frames from the server -----------------------------------------------------------------------

function handleFrame(frame) {
  switch (frame.type) {
    case 'snapshot':
      attempt = 0;
      state.you = frame.you;
      state.agents = frame.agents;
      state.availability = frame.availability ?? null;
      state.forcedMode = frame.mode ?? null;
      typing.conversationId = null;
      typing.sentAt = 0;
      state.conversations = new Map();
      for (const c of frame.conversations) {
        const { items, ...meta } = c;
        state.conversations.set(meta.id, { meta, items: [...items].sort((a, b) => a.seq - b.seq) });
      }
      // Replies stored before the connection dropped are in the snapshot; resend only the others.
      for (const [clientId, pending] of state.outbox) {
        const stored = state.conversations.get(pending.conversationId)?.items.some((i) => i.clientId === clientId);
        if (stored) state.outbox.delete(clientId);
        else sendFrame({ type: 'reply', conversationId: pending.conversationId, clientId, text: pending.text, ...(pending.file && { file: pending.file }) });
      }
      if (state.selectedId === null || !state.conversations.has(state.selectedId)) {
        state.selectedId = sortedConversations()[0]?.meta.id ?? null;
      }
      setConnected(true);
      scheduleRender();
      return;
    case 'item': {
      const conversation = ensureConversation(frame.conversationId);
      const item = frame.item;
      const items = conversation.items;
      // Items come in seq order but for a resync: the common case is one push, no search, no sort.
      if (items.length === 0 || item.seq > items[items.length - 1].seq) items.push(item);
      else if (!items.some((i) => i.seq === item.seq)) {
        items.push(item);
        items.sort((a, b) => a.seq - b.seq);
      }
      conversation.meta.updatedAt = Math.max(conversation.meta.updatedAt ?? 0, item.sentAt);
      conversation.meta.seq = Math.max(conversation.meta.seq ?? 0, item.seq);
      if (item.clientId) state.outbox.delete(item.clientId);
      if (item.author?.role === 'visitor') {
        setVisitorTyping(frame.conversationId, false);
        if (frame.conversationId !== state.selectedId) {
          state.unread.set(frame.conversationId, (state.unread.get(frame.conversationId) ?? 0) + 1);
        }
        announce(`New message from ${visitorLabel(conversation.meta)}`);
      }
      scheduleRender();
      return;
    }
    case 'conversation': {
      const conversation = ensureConversation(frame.conversation.id);
      const wasQueued = conversation.meta.session?.state === 'queued' && conversation.meta.session.id === frame.conversation.session?.id;
      // Replaces the metadata: a field the server left out (no session yet) is gone.
      conversation.meta = { ...frame.conversation };
      const session = conversation.meta.session;
      if (session?.state === 'queued' && !wasQueued) announce(`${visitorLabel(conversation.meta)} is waiting for live chat`);
      if (session?.state !== 'live') setVisitorTyping(frame.conversation.id, false);
      scheduleRender();
      return;
    }
    case 'typing':
      setVisitorTyping(frame.conversationId, frame.typing === true);
      scheduleRender();
      return;
    case 'availability':
      state.availability = frame.availability;
      scheduleRender();
      return;
    case 'mode':
      state.forcedMode = frame.mode ?? null;
      scheduleRender();
      return;
    case 'agents':
      state.agents = frame.agents;
      scheduleRender();
      return;
    case 'ack':
      state.outbox.delete(frame.clientId);
      scheduleRender();
      return;
    case 'slot':
      slotAnswered(frame);
      return;
    case 'error': {
      if (frame.clientId && slotAnswered(frame)) return;
      const pending = frame.clientId ? state.outbox.get(frame.clientId) : undefined;
      if (pending) {
        // Refused for good: give the text back instead of losing it.
        state.outbox.delete(frame.clientId);
        if (pending.conversationId === state.selectedId && ui.input.value === '') ui.input.value = pending.text;
      }
      showNotice(`${pending ? 'Reply not sent' : 'Server error'}: ${String(frame.message)}`);
      scheduleRender();
      return;
    }
  }
}

function ensureConversation(id) {
  let conversation = state.conversations.get(id);
  if (!conversation) {
    conversation = {
      meta: { id, user: {}, createdAt: Date.now(), updatedAt: Date.now(), seq: 0, online: false, ratings: [], needsPerson: false },
      items: [],
    };
    state.conversations.set(id, conversation);
  }
  // With nothing open, the first conversation that shows up is the one to look at.
  if (state.selectedId === null) state.selectedId = id;
  return conversation;
}

// ---- actions ----------------------------------------------------------------------------------------

function sendReply() {
  const conversationId = state.selectedId;
  const text = ui.input.value.trim();
  if (!conversationId || text === '') return;
  if (text.length > MAX_TEXT_LENGTH) {
    showNotice(`A reply can be at most ${MAX_TEXT_LENGTH} characters long.`);
    return;
  }
  const clientId = newClientId();
  state.outbox.set(clientId, { conversationId, text, createdAt: Date.now() });
  ui.input.value = '';
  stopTyping();
  // While disconnected it waits in the outbox; the next snapshot sends it.
  sendFrame({ type: 'reply', conversationId, clientId, text });
  render();
  ui.input.focus();
}

/** Sends the file the agent picked as a reply of its own, once uploaded. */
async function sendFile() {
  const conversationId = state.selectedId;
  const file = ui.file.files?.[0];
  ui.file.value = '';
  if (!conversationId || !file) return;
  const clientId = newClientId();
  try {
    const uploaded = await uploadFile(file, conversationId, clientId, sendFrame);
    state.outbox.set(clientId, { conversationId, text: uploaded.name, createdAt: Date.now(), file: uploaded });
    sendFrame({ type: 'reply', conversationId, clientId, text: uploaded.name, file: uploaded });
    render();
  } catch (error) {
    showNotice(`File not sent: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** crypto.randomUUID needs a secure context; the inbox may be opened over plain http on a LAN address. */
function newClientId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function select(id) {
  if (id !== state.selectedId) stopTyping();
  state.selectedId = id;
  state.unread.delete(id);
  render();
  ui.input.focus();
}

function storedAway() {
  try {
    return localStorage.getItem(AWAY_KEY) === '1';
  } catch {
    return false;
  }
}

function initialName() {
  const fromQuery = new URLSearchParams(location.search).get('name')?.trim();
  if (fromQuery) return fromQuery.slice(0, 200);
  try {
    return localStorage.getItem(NAME_KEY)?.trim() || 'Alex';
  } catch {
    return 'Alex';
  }
}

function rename() {
  if (ui.name.readOnly) return;
  const name = ui.name.value.trim().slice(0, 200);
  if (name === '' || name === state.name) {
    ui.name.value = state.name;
    return;
  }
  state.name = name;
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    // Storage may be off; the name still holds for this page.
  }
  sendFrame({ type: 'hello', name, available: state.available });
}

function toggleAvailability() {
  state.available = !state.available;
  try {
    if (state.available) localStorage.removeItem(AWAY_KEY);
    else localStorage.setItem(AWAY_KEY, '1');
  } catch {
    // Storage may be off: "Away" still holds for this page and its reconnections.
  }
  sendFrame({ type: 'status', available: state.available });
  render();
}

function accept(conversationId) {
  sendFrame({ type: 'accept', conversationId });
  select(conversationId);
}

function endSession() {
  if (state.selectedId) sendFrame({ type: 'end', conversationId: state.selectedId });
}

function forceMode() {
  const value = ui.forceMode.value;
  sendFrame({ type: 'force', mode: value === 'live' || value === 'messaging' ? value : null });
}

function isLive(conversationId) {
  return state.conversations.get(conversationId)?.meta.session?.state === 'live';
}

/** Called on every keystroke in the reply box: "typing" at most every 3 s, "stopped" after 4 s idle. */
function noteTyping() {
  const conversationId = state.selectedId;
  if (!conversationId || !isLive(conversationId) || ui.input.value.trim() === '') return;
  const now = Date.now();
  if (typing.conversationId !== conversationId || now - typing.sentAt >= TYPING_REPEAT_MS) {
    if (typing.conversationId && typing.conversationId !== conversationId) stopTyping();
    sendFrame({ type: 'typing', conversationId, typing: true });
    typing.conversationId = conversationId;
    typing.sentAt = now;
  }
  clearTimeout(typing.idleTimer);
  typing.idleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping() {
  clearTimeout(typing.idleTimer);
  if (typing.conversationId === null) return;
  sendFrame({ type: 'typing', conversationId: typing.conversationId, typing: false });
  typing.conversationId = null;
  typing.sentAt = 0;
}

function setVisitorTyping(conversationId, isTyping) {
  clearTimeout(state.visitorTyping.get(conversationId));
  if (!isTyping) {
    state.visitorTyping.delete(conversationId);
    return;
  }
  state.visitorTyping.set(
    conversationId,
    setTimeout(() => {
      state.visitorTyping.delete(conversationId);
      scheduleRender();
    }, TYPING_SHOWN_MS),
  );
}

let noticeTimer = 0;
function showNotice(text) {
  ui.notice.textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (ui.notice.textContent = ''), 8000);
}

// ---- rendering ----------------------------------------------------------------------------------------

/**
 * Conversations to show, newest first. A visitor who opened the chat but has not written yet (and is not
 * waiting for live chat) has nothing to read: they are left out until they do.
 */
function sortedConversations() {
  return [...state.conversations.values()]
    .filter(({ meta, items }) => items.length > 0 || meta.session || meta.id === state.selectedId)
    .sort((a, b) => (b.meta.updatedAt ?? 0) - (a.meta.updatedAt ?? 0));
}

const conversationList = new ConversationList(ui.conversations);
const thread = new ThreadView(/** @type {HTMLOListElement} */ (ui.messages));

/**
 * Frames from the server ask for a render; it happens once per animation frame, with everything that
 * arrived meanwhile (a background tab gets no frames: a timer does it there, so the title still counts).
 */
let renderRequest = 0;
function scheduleRender() {
  if (renderRequest !== 0) return;
  const request = (renderRequest = setTimeout(() => renderRequest === request && render(), 250));
  requestAnimationFrame(() => renderRequest === request && render());
}

/** What to tell screen readers at the next render: one announcement per frame, not one per message. */
let announcement = '';
function announce(text) {
  announcement = text;
  scheduleRender();
}

function render() {
  clearTimeout(renderRequest);
  renderRequest = 0;
  renderToolbar();
  renderQueue();
  conversationList.update(sortedConversations(), state.selectedId, state.unread);
  renderThread();
  const unread = [...state.unread.values()].reduce((a, b) => a + b, 0);
  document.title = unread > 0 ? `(${unread}) Natter Inbox` : 'Natter Inbox';
  if (announcement !== '') {
    ui.announcer.textContent = announcement;
    announcement = '';
  }
}

function renderToolbar() {
  if (document.activeElement !== ui.name) ui.name.value = state.name;
  ui.availability.setAttribute('aria-pressed', String(state.available));
  ui.availability.textContent = state.available ? 'Available' : 'Away';
  ui.availability.title = state.available ? 'Visitors see that someone is here. Click to go away.' : 'Click to become available.';

  const availability = state.availability;
  if (availability) {
    const parts = [];
    if (!availability.open) {
      parts.push('Outside business hours');
      if (availability.nextOpenAt) parts.push(`opens ${dateAndTime.format(new Date(availability.nextOpenAt))}`);
    } else {
      parts.push(availability.agents ? 'Visitors see the team available' : 'Visitors see the team away');
    }
    ui.teamStatus.textContent = parts.join(' · ');
    ui.teamStatus.classList.toggle('is-closed', !availability.open || !availability.agents);
    ui.teamStatus.title = availability.awayMessage ? `Away message: ${availability.awayMessage}` : '';
  } else {
    ui.teamStatus.textContent = '';
  }
  if (document.activeElement !== ui.forceMode) ui.forceMode.value = state.forcedMode ?? 'auto';

  ui.agents.replaceChildren(
    ...state.agents.map((agent) => {
      const li = el('li');
      li.append(el('span', `online${agent.available ? ' is-online' : ''}`));
      const isYou = state.you && agent.id === state.you.id;
      li.append(document.createTextNode(`${agent.name}${isYou ? ' (you)' : ''} — ${agent.available ? 'available' : 'away'}`));
      return li;
    }),
  );
}

function renderQueue() {
  const focusedId = document.activeElement?.closest?.('[data-testid="accept"]')?.getAttribute('data-conversation-id');
  const queued = [...state.conversations.values()]
    .filter((c) => c.meta.session?.state === 'queued')
    .sort((a, b) => (a.meta.session.position ?? 0) - (b.meta.session.position ?? 0) || a.meta.session.queuedAt - b.meta.session.queuedAt);
  ui.queueEmpty.hidden = queued.length > 0;
  ui.queue.replaceChildren(
    ...queued.map((conversation) => {
      const { meta } = conversation;
      const li = el('li');
      li.dataset.testid = 'queued-conversation';
      li.dataset.conversationId = meta.id;
      const who = el('span', 'who');
      who.append(el('span', `online${meta.online ? ' is-online' : ''}`));
      who.append(document.createTextNode(`#${meta.session.position ?? '?'} ${visitorLabel(meta)}`));
      const since = el('span', 'since', 'waiting since ');
      since.append(timeElement(meta.session.queuedAt));
      who.append(since);
      const button = el('button', 'small-button', 'Accept');
      button.type = 'button';
      button.dataset.testid = 'accept';
      button.dataset.conversationId = meta.id;
      button.setAttribute('aria-label', `Accept live chat with ${visitorLabel(meta)}`);
      li.append(who, button);
      return li;
    }),
  );
  if (focusedId) ui.queue.querySelector(`[data-conversation-id="${CSS.escape(focusedId)}"] button`)?.focus();
}

function renderThread() {
  const conversation = state.selectedId ? state.conversations.get(state.selectedId) : undefined;
  ui.thread.hidden = !conversation;
  ui.placeholder.hidden = Boolean(conversation);
  ui.send.disabled = !conversation;
  if (!conversation) {
    thread.clear();
    ui.visitorTyping.hidden = true;
    return;
  }
  ui.threadMode.textContent = modeText(conversation);
  ui.threadMode.dataset.mode = modeOf(conversation);
  ui.endSession.hidden = conversation.meta.session?.state !== 'live';
  ui.endSession.dataset.conversationId = conversation.meta.id;
  const typingNow = state.visitorTyping.has(conversation.meta.id) && conversation.meta.session?.state === 'live';
  ui.visitorTyping.hidden = !typingNow;
  ui.visitorTyping.textContent = typingNow ? `${visitorLabel(conversation.meta)} is typing…` : '';
  renderDetails(conversation);
  const { meta } = conversation;

  ui.threadTitle.textContent = visitorLabel(meta);
  if (isVerified(meta)) ui.threadTitle.append(verifiedBadge());
  const details = [];
  if (meta.user?.name && meta.user?.email) details.push(meta.user.email);
  if (meta.locale) details.push(`Locale ${meta.locale}`);
  details.push(meta.online ? 'Online now' : 'Offline');
  details.push(`Started ${new Date(meta.createdAt).toLocaleString()}`);
  ui.threadDetails.textContent = details.join(' · ');

  const pending = [];
  for (const [clientId, reply] of state.outbox) if (reply.conversationId === meta.id) pending.push({ clientId, ...reply });
  thread.update(conversation, pending, state.name);
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

/** "German (de-AT)": the tag in the inbox's own language, and the tag itself. */
function languageName(tag) {
  try {
    return `${languageNames.of(tag)} (${tag})`;
  } catch {
    return tag; // not a valid tag
  }
}

function renderDetails(conversation) {
  const { meta } = conversation;
  ui.visitorEmail.textContent = meta.user?.email || '—';
  ui.visitorEmail.dataset.empty = String(!meta.user?.email);
  ui.visitorLocale.textContent = meta.locale ? languageName(meta.locale) : '—';
  // The page the customer is on (kept up to date as a single-page app changes route): its title, then its address.
  ui.visitorPage.replaceChildren(...(meta.page ? [el('div', 'page-title', meta.page.title || '(untitled)'), el('div', 'page-url', meta.page.url)] : ['—']));
  ui.visitorAttributes.replaceChildren(
    ...(meta.attributes && Object.keys(meta.attributes).length
      ? Object.entries(meta.attributes).map(([key, value]) => el('div', 'attribute', `${key}: ${String(value)}`))
      : ['—']),
  );

  const session = meta.session;
  const lines = [];
  if (!session) lines.push('None yet');
  else {
    lines.push(modeText(conversation));
    if (session.state === 'queued' && session.waitSeconds !== undefined) lines.push(`told to wait about ${Math.max(1, Math.round(session.waitSeconds / 60))} min`);
    if (session.state === 'ended') {
      const by = { agent: 'by an agent', visitor: 'by the visitor', timeout: 'after inactivity' }[session.endedBy] ?? '';
      lines.push(`Last chat ended ${by}${session.agent?.name ? ` (with ${session.agent.name})` : ''}`);
    }
  }
  if (meta.needsPerson) lines.push('The bot handed over: waiting for a person to reply');
  ui.sessionDetails.textContent = lines.join(' · ');

  const ratings = Array.isArray(meta.ratings) ? meta.ratings : [];
  ui.noRatings.hidden = ratings.length > 0;
  ui.ratings.replaceChildren(
    ...ratings.map((rating) => {
      const li = el('li');
      li.dataset.testid = 'rating';
      li.dataset.score = String(rating.score);
      const score = Math.max(0, Math.min(5, Number(rating.score) || 0));
      const stars = el('span', 'stars', '★'.repeat(score) + '☆'.repeat(5 - score));
      stars.setAttribute('role', 'img');
      stars.setAttribute('aria-label', `${score} out of 5`);
      li.append(stars, document.createTextNode(' '), timeElement(rating.at));
      if (rating.comment) li.append(el('span', 'rating-comment', `“${rating.comment}”`));
      return li;
    }),
  );
}

// ---- wiring -------------------------------------------------------------------------------------------

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  sendReply();
});
ui.input.addEventListener('input', noteTyping);
ui.file.addEventListener('change', () => void sendFile());
ui.input.addEventListener('blur', () => {
  if (ui.input.value.trim() === '') stopTyping();
});
ui.queue.addEventListener('click', (event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest('[data-testid="accept"]');
  const id = button?.getAttribute('data-conversation-id');
  if (id) accept(id);
});
ui.endSession.addEventListener('click', endSession);
ui.forceMode.addEventListener('change', forceMode);
ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    sendReply();
  }
});
ui.conversations.addEventListener('click', (event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest('[data-testid="conversation"]');
  const id = button?.getAttribute('data-conversation-id');
  if (id) select(id);
});
ui.availability.addEventListener('click', toggleAvailability);
ui.name.addEventListener('change', rename);
ui.name.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') ui.name.blur();
});

render();
loadAccess().then(
  (access) => {
    if (access === null) return; // on the way to the sign-in page
    if (access.access === 'account') state.name = access.name;
    showAccess(access, ui);
    connect();
  },
  () => connect(), // the server is down: the socket's backoff keeps trying
);
