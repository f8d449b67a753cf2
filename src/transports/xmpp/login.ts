/**
 * Logging a visitor in on a fresh link: stream, SASL PLAIN, in-band registration (XEP-0077) on first use,
 * resource binding. What the server lacks is said once, with the setting that enables it (`LinkError` with
 * `fatal`): retrying cannot help.
 * @module
 */
import { plain, type Credentials } from './account.ts';
import { LinkError, type Link } from './link.ts';
import { child, childText, condition, NS, tag } from './xml.ts';

/** Opens the stream (again, after SASL) and returns its `<features>`. */
async function openStream(link: Link, timeoutMs: number): Promise<Element> {
  link.send(tag('open', { xmlns: NS.framing, to: link.domain, version: '1.0' }));
  for (;;) {
    const element = await link.read(timeoutMs);
    if (element.localName === 'features') return element;
    if (element.localName !== 'open') link.warn(`ignored <${element.localName}> before the stream's features`);
  }
}

/** `true` on success, `false` when the server does not know these credentials. */
async function auth(link: Link, credentials: Credentials, timeoutMs: number): Promise<boolean> {
  link.send(tag('auth', { xmlns: NS.sasl, mechanism: 'PLAIN' }, plain(credentials)));
  const answer = await link.read(timeoutMs);
  if (answer.localName === 'success') return true;
  const why = answer.firstElementChild?.localName;
  if (answer.localName === 'failure' && why === 'not-authorized') return false;
  throw new LinkError(`the XMPP server refused the login: ${why ?? answer.localName}`);
}

async function register(link: Link, { username, password }: Credentials, timeoutMs: number): Promise<void> {
  const answer = await link.iq('set', undefined, tag('query', { xmlns: NS.register }, tag('username', {}, username) + tag('password', {}, password)), timeoutMs);
  if (answer.getAttribute('type') === 'result') return;
  const why = condition(answer);
  if (why === 'resource-constraint' || why === 'policy-violation' || why === 'not-acceptable') {
    // Throttled: Prosody's min_seconds_between_registrations, ejabberd's registration_timeout.
    throw new LinkError(`the XMPP server throttles new accounts (${why}); retrying. Visitors behind one address need min_seconds_between_registrations (Prosody) or registration_timeout (ejabberd) set low`);
  }
  throw new LinkError(noRegistration(why ?? 'refused'), why !== 'conflict' && why !== 'internal-server-error');
}

const noRegistration = (why: string) =>
  `the XMPP server does not let new visitors register (XEP-0077 in-band registration: ${why}). Enable it on the visitors' host: Prosody allow_registration = true with mod_register; ejabberd mod_register`;

/**
 * Logs in as `credentials`, registering the account first if the server does not know it, and binds a
 * resource. Returns the full JID.
 */
export async function login(link: Link, credentials: Credentials, timeoutMs: number): Promise<string> {
  if (link.socket.protocol !== 'xmpp') {
    throw new LinkError(`the server at ${link.socket.url} did not accept the WebSocket subprotocol "xmpp" (RFC 7395; it answered "${link.socket.protocol}"). Point the endpoint at the XMPP server's WebSocket (Prosody: mod_websocket, /xmpp-websocket)`, true);
  }
  let features = await openStream(link, timeoutMs);
  const mechanisms = Array.from(child(features, 'mechanisms', NS.sasl)?.children ?? [], (element) => element.textContent);
  if (!mechanisms.includes('PLAIN')) {
    throw new LinkError(`the XMPP server offers no SASL PLAIN login (it offers ${mechanisms.join(', ') || 'none'}). Enable it: Prosody allow_unencrypted_plain_auth or TLS with authentication = "internal_hashed"; ejabberd auth_password_format`, true);
  }
  if (!(await auth(link, credentials, timeoutMs))) {
    if (!child(features, 'register', 'http://jabber.org/features/iq-register')) throw new LinkError(noRegistration('not offered'), true);
    await register(link, credentials, timeoutMs);
    if (!(await auth(link, credentials, timeoutMs))) throw new LinkError('the XMPP server registered the visitor but refuses its login');
  }
  features = await openStream(link, timeoutMs);
  if (!child(features, 'bind', NS.bind)) throw new LinkError('the XMPP server offers no resource binding', true);
  const bound = await link.iq('set', undefined, tag('bind', { xmlns: NS.bind }), timeoutMs);
  const jid = childText(child(bound, 'bind', NS.bind), 'jid');
  if (bound.getAttribute('type') !== 'result' || !jid) throw new LinkError(`the XMPP server did not bind a resource (${condition(bound) ?? 'no JID'})`);
  return (link.jid = jid);
}
