// The open conversation's messages in the inbox, rendered incrementally: a new item appends one row,
// instead of building the whole thread again (issue 8: a burst of 800 visitor messages froze the inbox for
// 30 s). Only a window of the newest rows is in the DOM; "Show earlier messages" widens it.
//
// The caller batches: it calls `update` at most once per animation frame, with everything that arrived.

import { el, itemRow, messageRow } from './inbox-dom.js';

/** Rows shown when a conversation opens, and added by each "Show earlier messages". */
export const WINDOW = 200;
/** While the agent follows the newest messages, rows beyond WINDOW + SLACK are dropped from the top. */
const SLACK = 100;

export class ThreadView {
  /** @param {HTMLOListElement} list */
  constructor(list) {
    this.list = list;
    this.conversationId = null;
    /** What the rows' labels depend on beyond the items: the visitor's name. */
    this.labelKey = '';
    /** Index in `items` of the first item with a row, and how many items had arrived at the last update. */
    this.first = 0;
    this.seen = 0;
    this.lastSeq = 0;
    this.size = WINDOW;
    /** @type {HTMLElement[]} */
    this.rows = [];
    /** @type {HTMLElement[]} */
    this.pendingRows = [];
    this.pendingKey = '';
    this.earlier = el('li', 'earlier');
    const button = el('button', 'small-button', '');
    button.type = 'button';
    button.dataset.testid = 'show-earlier';
    button.addEventListener('click', () => this.showEarlier());
    this.earlier.append(button);
    /** @type {{conversation: any, pending: any[], agentName: string} | null} */
    this.last = null;
  }

  /**
   * Shows `conversation` ({meta, items}, items in seq order) and the replies still being sent.
   * @param {{meta: any, items: any[]}} conversation
   * @param {Array<{clientId: string, text: string, createdAt: number}>} pending
   * @param {string} agentName
   */
  update(conversation, pending, agentName) {
    const { meta, items } = conversation;
    const list = this.list;
    const switched = this.conversationId !== meta.id;
    const following = switched || list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const labelKey = String(meta.user?.name ?? '');
    this.last = { conversation, pending, agentName };

    const newer = countNewer(items, this.lastSeq);
    // A switch, a new name, or an item that landed among those already shown: build the window again.
    if (switched || labelKey !== this.labelKey || items.length - this.seen !== newer) {
      if (switched) this.size = WINDOW;
      this.rebuild(meta, items);
    } else if (newer > 0) {
      const rows = items.slice(items.length - newer).map((item) => itemRow(item, meta));
      this.rows.push(...rows);
      this.pendingRows[0] ? this.pendingRows[0].before(...rows) : list.append(...rows);
    }
    this.conversationId = meta.id;
    this.labelKey = labelKey;
    this.seen = items.length;
    this.lastSeq = items.at(-1)?.seq ?? 0;

    const pendingKey = pending.map((p) => p.clientId).join(' ') + agentName;
    if (pendingKey !== this.pendingKey) {
      for (const row of this.pendingRows) row.remove();
      this.pendingRows = pending.map((p) => {
        const row = messageRow('agent', agentName, p.text, p.createdAt);
        row.dataset.pending = 'true';
        row.querySelector('.meta')?.append(document.createTextNode(' · sending…'));
        return row;
      });
      list.append(...this.pendingRows);
      this.pendingKey = pendingKey;
    }

    // Back at the newest messages, the window shrinks to its usual size again.
    if (following && this.rows.length > WINDOW + SLACK) {
      this.trim(this.rows.length - WINDOW);
      this.size = WINDOW;
    }
    this.showEarlierButton();
    if (following) list.scrollTop = list.scrollHeight;
  }

  rebuild(meta, items) {
    this.first = Math.max(0, items.length - this.size);
    this.rows = items.slice(this.first).map((item) => itemRow(item, meta));
    this.list.replaceChildren(...this.rows, ...this.pendingRows);
  }

  trim(count) {
    for (const row of this.rows.splice(0, count)) row.remove();
    this.first += count;
  }

  showEarlierButton() {
    if (this.first === 0) {
      this.earlier.remove();
      return;
    }
    /** @type {HTMLButtonElement} */ (this.earlier.firstChild).textContent = `Show earlier messages (${this.first})`;
    if (this.list.firstChild !== this.earlier) this.list.prepend(this.earlier);
  }

  /** Widens the window by WINDOW older rows, keeping what the agent is reading where it is. */
  showEarlier() {
    if (!this.last) return;
    const list = this.list;
    const fromBottom = list.scrollHeight - list.scrollTop;
    this.size = this.rows.length + WINDOW;
    this.rebuild(this.last.conversation.meta, this.last.conversation.items);
    this.showEarlierButton();
    list.scrollTop = list.scrollHeight - fromBottom;
  }

  clear() {
    this.list.replaceChildren();
    this.conversationId = null;
    this.rows = [];
    this.pendingRows = [];
    this.pendingKey = '';
    this.seen = 0;
    this.lastSeq = 0;
  }
}

/** How many items at the end of `items` (in seq order) come after `seq`. */
function countNewer(items, seq) {
  let count = 0;
  for (let i = items.length - 1; i >= 0 && items[i].seq > seq; i--) count++;
  return count;
}
