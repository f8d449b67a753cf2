/**
 * Verified customers, decided alike on both backends (the reference backend's visitor socket and the XMPP
 * router): what of a claimed user may be taken, and which one conversation a verified customer follows on
 * whichever device. Each caller tells the refusals and the items appended in its own way.
 */
import type { WireItem, WireUser } from '../src/protocol/wire.ts';
import type { ConversationStore } from './conversation-store.ts';
import { claimedSubject, type IdentityVerifier, type Verdict, type VerifiedCustomer } from './identity.ts';

/** What of a claimed user is taken; `refused`: the `unverified` error's message, when a claim was dropped. */
export interface Vetted {
  user: WireUser | undefined;
  customer?: VerifiedCustomer;
  refused?: string;
}

/**
 * What of `user` may be taken (with a secret configured, an id only with the site's token, or when the
 * conversation `current` is that verified customer's already), and the verified customer if a token
 * vouches for one (`verdict`: that token's check). Without `identity` everything is taken as sent.
 */
export function vetUser(
  store: ConversationStore,
  identity: IdentityVerifier | undefined,
  user: WireUser | undefined,
  token: string | undefined,
  verdict: Verdict | undefined,
  current: string | undefined,
): Vetted {
  if (!identity) return { user };
  const known = current === undefined ? undefined : store.get(current)?.meta.customerId;
  const { id: claimed, ...rest } = user ?? {};
  const anonymous = (refused: string): Vetted => ({ user: rest, refused });
  if (token !== undefined && verdict) {
    if (!verdict.ok) return known !== undefined && claimedSubject(token) === known && (claimed ?? known) === known ? { user: rest } : anonymous(verdict.message);
    if (claimed !== undefined && claimed !== verdict.customer.id) {
      return anonymous(`The id passed to Natter.identify ("${claimed}") is not the identity token's "sub" ("${verdict.customer.id}"); pass the same user's id and token. The customer goes on anonymously.`);
    }
    return { user: { ...rest, ...verdict.customer }, customer: verdict.customer };
  }
  if (claimed === undefined || claimed === known) return { user: rest };
  return anonymous(
    `Natter.identify was given the id "${claimed}" without a valid token, and this server verifies identities: sign a token on your server ` +
      '(HS256 with IDENTITY_SECRET, "sub" the user\'s id, "exp", "aud") and pass Natter.identify({ id, token }). The customer goes on anonymously.',
  );
}

/**
 * The conversation visitor `visitorId` (now in `own`) has as verified `customer`: their own, made theirs if
 * they have none yet; else the one they began on another device, which `own`'s items join once (returned
 * in `appended`, for the caller to pass on). A device that was another customer's starts afresh, in the
 * conversation `fresh()` makes (default: a new one of `visitorId`). `claimed`: the conversation became the
 * customer's now (its user is the token's: the team's view of it changed).
 */
export function adoptCustomer(
  store: ConversationStore,
  visitorId: string,
  own: string,
  customer: VerifiedCustomer,
  fresh: () => string = () => store.create(visitorId, customer).meta.id,
): { id: string; appended: WireItem[]; claimed?: true } {
  const mine = store.get(own)!;
  if (mine.meta.customerId === customer.id) return { id: own, appended: [] };
  const theirs = store.findByCustomer(customer.id);
  if (!theirs) {
    // Another customer's conversation (a shared device without logout) stays theirs: this one starts afresh.
    const target = mine.meta.customerId === undefined ? own : fresh();
    store.claim(target, customer);
    return { id: target, appended: [], claimed: true };
  }
  const into = theirs.meta.id;
  return { id: into, appended: store.link(visitorId, mine.meta.customerId === undefined ? own : into, into) };
}
