// The inbox's conversation list, kept row by row: a row is built again only when something it shows
// changed, and rows are moved only when the order changed. A burst of messages into one conversation
// touches that one row, not the whole list.

import { authorLabel, el, isVerified, modeBadge, modeOf, modeText, timeElement, verifiedBadge, visitorLabel } from './inbox-dom.js';

export class ConversationList {
  /** @param {HTMLElement} list */
  constructor(list) {
    this.list = list;
    /** @type {Map<string, {li: HTMLElement, key: string}>} */
    this.rows = new Map();
  }

  /**
   * @param {Array<{meta: any, items: any[]}>} conversations in the order to show
   * @param {string | null} selectedId
   * @param {Map<string, number>} unread
   */
  update(conversations, selectedId, unread) {
    const focusedId = document.activeElement?.closest?.('[data-testid="conversation"]')?.getAttribute('data-conversation-id');
    const wanted = [];
    const shown = new Set();
    for (const conversation of conversations) {
      const id = conversation.meta.id;
      const count = unread.get(id) ?? 0;
      const key = rowKey(conversation, id === selectedId, count);
      let row = this.rows.get(id);
      if (row?.key !== key) {
        const li = buildRow(conversation, id === selectedId, count);
        row?.li.replaceWith(li);
        row = { li, key };
        this.rows.set(id, row);
      }
      wanted.push(row.li);
      shown.add(id);
    }
    for (const [id, row] of this.rows) {
      if (shown.has(id)) continue;
      row.li.remove();
      this.rows.delete(id);
    }
    let cursor = this.list.firstChild;
    for (const li of wanted) {
      if (cursor === li) cursor = cursor.nextSibling;
      else this.list.insertBefore(li, cursor);
    }
    if (focusedId && document.activeElement === document.body) {
      /** @type {HTMLElement | undefined} */ (this.rows.get(focusedId)?.li.firstElementChild)?.focus();
    }
  }
}

/** Everything a row shows, as one string: equal keys, equal rows. */
function rowKey({ meta, items }, selected, unread) {
  const last = items.at(-1);
  return JSON.stringify([
    visitorLabel(meta),
    isVerified(meta),
    meta.online,
    selected,
    unread,
    last?.seq,
    last?.id,
    last?.sentAt ?? meta.updatedAt,
    modeOf({ meta, items }),
    modeText({ meta, items }),
    meta.needsPerson,
  ]);
}

function buildRow({ meta, items }, selected, unread) {
  const button = el('button', 'conversation');
  button.type = 'button';
  button.dataset.testid = 'conversation';
  button.dataset.conversationId = meta.id;
  if (selected) button.setAttribute('aria-current', 'true');
  if (unread > 0) {
    button.classList.add('has-unread');
    button.dataset.unread = String(unread);
  }

  const who = el('span', 'who');
  who.append(el('span', `online${meta.online ? ' is-online' : ''}`));
  who.append(el('span', 'visually-hidden', meta.online ? 'Online: ' : 'Offline: '));
  who.append(document.createTextNode(visitorLabel(meta)));
  if (isVerified(meta)) who.append(verifiedBadge());
  if (unread > 0) who.append(el('span', 'visually-hidden', ` (${unread} unread)`));

  const last = items.at(-1);
  const preview = el('span', 'preview');
  if (last) {
    const prefix = last.author?.role === 'agent' || last.author?.role === 'bot' ? `${authorLabel(last, meta)}: ` : '';
    preview.textContent = `${prefix}${last.text}`;
  } else {
    preview.textContent = 'No messages yet';
  }
  const badges = el('span', 'badges');
  badges.append(modeBadge({ meta, items }, 'mode-badge'));
  if (meta.needsPerson) badges.append(el('span', 'mode-badge needs-person', 'Waiting for a person'));
  button.append(who, timeElement(last?.sentAt ?? meta.updatedAt, 'when'), preview, badges);
  const li = el('li');
  li.append(button);
  return li;
}
