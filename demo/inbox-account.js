// Who is using the inbox (docs/protocol.md, "Reference backend: agent protocol", sign-in): a signed-in agent,
// shown with a Sign out button, or nobody at all while the server has no agent accounts — then a banner
// says that anyone on this machine can answer. A session that ended sends the page back to sign-in.

/** @typedef {{access: 'open'} | {access: 'account', email: string, name: string}} Access */

/** @returns {Promise<Access | null>} null when the page is on its way to the sign-in page. */
export async function loadAccess() {
  const response = await fetch('/inbox/session', { credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 401) {
    location.replace(`/inbox${location.search}`);
    return null;
  }
  if (!response.ok) throw new Error(`/inbox/session answered ${response.status}`);
  return response.json();
}

/**
 * After the agent socket closed before it opened, or with 4401 (signed out): back to sign-in if the
 * session is gone. True when the page is leaving.
 */
export async function leaveIfSignedOut() {
  try {
    return (await loadAccess()) === null;
  } catch {
    return false; // the server is down: keep trying to reconnect
  }
}

async function signOut() {
  try {
    await fetch('/inbox/logout', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}', credentials: 'same-origin' });
  } finally {
    location.replace('/inbox');
  }
}

/**
 * Shows who is signed in (and the Sign out button), or the open banner.
 * @param {Access} access
 * @param {{banner: HTMLElement, account: HTMLElement, signOut: HTMLButtonElement, name: HTMLInputElement}} ui
 */
export function showAccess(access, ui) {
  ui.banner.hidden = access.access !== 'open';
  ui.account.hidden = access.access !== 'account';
  ui.signOut.hidden = access.access !== 'account';
  if (access.access !== 'account') return;
  ui.account.textContent = access.email;
  // Replies carry the account's name; it is changed on the server (node demo/agents.ts rename).
  ui.name.value = access.name;
  ui.name.readOnly = true;
  ui.name.title = 'Your account name, as visitors see it';
  ui.signOut.addEventListener('click', () => void signOut());
}
