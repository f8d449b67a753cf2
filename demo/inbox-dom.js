// The inbox's view helpers: labels, times, mode badges and message rows, built from the agent protocol's
// data (docs/protocol.md, "Reference backend: agent protocol"). Plain functions of their arguments.
//
// Everything that came over the network is visitor-controlled text: it only ever reaches the page
// through textContent / createTextNode, never innerHTML.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function visitorLabel(meta) {
  const user = meta.user ?? {};
  return user.name || user.email || `Visitor ${String(meta.id).slice(0, 8)}`;
}

/** The identity the site's server vouched for (a signed token): only `verified: true` counts. */
export function isVerified(meta) {
  return meta.user?.verified === true;
}

/** The "Verified" badge beside a verified customer's name. */
export function verifiedBadge() {
  const badge = el('span', 'verified', 'Verified');
  badge.dataset.testid = 'verified';
  badge.title = "The site's server confirmed who this customer is";
  return badge;
}

export function authorLabel(item, meta) {
  const author = item.author ?? {};
  switch (author.role) {
    case 'visitor':
      return author.name || meta.user?.name || 'Visitor';
    case 'agent':
      // Agent ids last one connection, so "(you)" cannot be told reliably for older replies; the name is enough.
      return author.name || 'Agent';
    case 'bot':
      return author.name || 'Bot';
    default:
      return 'System';
  }
}

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
export const dateAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const today = { day: '', until: 0 };

function isToday(date) {
  // toDateString for every message of a long thread adds up: work out today's bounds once a minute.
  if (Date.now() >= today.until) {
    const now = new Date();
    today.day = now.toDateString();
    today.until = Date.now() + 60_000;
  }
  return date.toDateString() === today.day;
}

export function timeElement(ms, className) {
  const date = new Date(ms);
  const node = el('time', className);
  if (Number.isNaN(date.getTime())) return node;
  node.dateTime = date.toISOString();
  node.textContent = (isToday(date) ? timeOnly : dateAndTime).format(date);
  node.title = date.toLocaleString();
  return node;
}

/**
 * Where the conversation is: 'queued', 'live', 'ended' (until the visitor writes again after the chat),
 * or 'messaging'.
 */
export function modeOf(conversation) {
  const session = conversation.meta.session;
  if (!session) return 'messaging';
  if (session.state !== 'ended') return session.state;
  const endedAt = session.endedAt ?? 0;
  const items = conversation.items;
  // Newest first: a visitor's message after the end is near the end, if anywhere.
  for (let i = items.length - 1; i >= 0 && items[i].sentAt > endedAt; i--) if (items[i].author?.role === 'visitor') return 'messaging';
  return 'ended';
}

export function modeText(conversation) {
  const session = conversation.meta.session;
  switch (modeOf(conversation)) {
    case 'queued':
      return session.position ? `Queued #${session.position}` : 'Queued';
    case 'live':
      return `Live with ${session.agent?.name || 'an agent'}`;
    case 'ended':
      return 'Ended';
    default:
      return 'Messaging';
  }
}

export function modeBadge(conversation, testid) {
  const badge = el('span', 'mode-badge', modeText(conversation));
  badge.dataset.mode = modeOf(conversation);
  badge.dataset.testid = testid;
  return badge;
}

export function messageRow(role, label, text, sentAt, seq) {
  const li = el('li', 'message');
  li.dataset.testid = 'message';
  li.dataset.role = role;
  if (seq !== undefined) li.dataset.seq = String(seq);
  const meta = el('div', 'meta');
  if (role === 'bot') meta.append(el('span', 'badge', 'Bot'));
  meta.append(document.createTextNode(`${label} · `), timeElement(sentAt));
  li.append(meta, el('div', 'bubble', text));
  return li;
}

/** Raster images a browser shows without running anything: only these are shown as pictures. */
const IMAGES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/**
 * A file of an item: a thumbnail that opens the image, or its name and size as a download link. Only an
 * http(s) address is linked; the name is text.
 */
export function fileNode(file) {
  const link = el('a', 'file');
  const url = String(file.url);
  if (/^https?:\/\//.test(url)) link.href = url;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  link.dataset.testid = 'file';
  if (IMAGES.includes(file.type) && link.href) {
    const image = el('img', 'thumb');
    image.src = url;
    image.alt = String(file.name);
    link.append(image);
  } else {
    link.download = String(file.name);
    link.textContent = `${file.name} (${Math.ceil(Number(file.size) / 1000)} kB)`;
  }
  return link;
}

/** The row of a stored item: a message, a bot's answer with its quick replies, or a system notice. */
export function itemRow(item, meta) {
  const row = messageRow(item.author?.role ?? 'system', authorLabel(item, meta), item.text, item.sentAt, item.seq);
  if (item.file) row.querySelector('.bubble')?.replaceChildren(fileNode(item.file));
  if (item.event?.kind) row.dataset.event = item.event.kind;
  if (Array.isArray(item.quickReplies) && item.quickReplies.length > 0) {
    const replies = el('ul', 'quick-replies');
    replies.setAttribute('aria-label', 'Quick replies offered');
    for (const text of item.quickReplies) replies.append(el('li', undefined, String(text)));
    row.append(replies);
  }
  return row;
}
