/**
 * The visitor's XMPP account, derived from the visitor's secret so that every tab and every page load of
 * this browser logs in as the same account (membership of the conversation's room follows the account).
 * The server sees neither the secret nor anything that leads back to it: both parts are SHA-256 hashes,
 * under different prefixes so the username (which others see) tells nothing of the password.
 * @module
 */

/** A username and password for SASL PLAIN and in-band registration. */
export interface Credentials {
  username: string;
  password: string;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/**
 * `v` + 40 hex digits of `sha256("natter-xmpp-user:" + secret)`, and `base64url(sha256("natter-xmpp-pass:" +
 * secret))` (see docs/xmpp.md, "Names").
 */
export async function credentials(visitorId: string): Promise<Credentials> {
  const user = await sha256(`natter-xmpp-user:${visitorId}`);
  const pass = await sha256(`natter-xmpp-pass:${visitorId}`);
  return {
    username: `v${Array.from(user.subarray(0, 20), (byte) => byte.toString(16).padStart(2, '0')).join('')}`,
    password: btoa(String.fromCharCode(...pass)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
  };
}

/** The SASL PLAIN message for `credentials`, base64 (RFC 4616): no authorization id, then user and password. */
export const plain = ({ username, password }: Credentials): string => btoa(`\0${username}\0${password}`);
