/** The reference backend's own texts per language: the away message by the conversation's locale. */
import { afterEach, describe, expect, test } from 'vitest';
import { TestBackend } from './backend-peer';
import { awayMessageFor, DEFAULT_AWAY_MESSAGES, langOf } from '../../demo/texts';
import { optionsFromEnv } from '../../demo/server';

test('the language of a tag is its primary subtag, English for any the backend does not speak', () => {
  expect(['de-AT', 'FR', 'es_MX', 'ar', 'nl', 'ja', '', undefined].map(langOf)).toEqual(['de', 'fr', 'es', 'ar', 'nl', 'en', 'en', 'en']);
});

test("the away message: the operator's for the language, else the operator's for all, else the built-in one in the language", () => {
  expect(awayMessageFor({}, 'fr-CA')).toBe(DEFAULT_AWAY_MESSAGES.fr);
  expect(awayMessageFor({}, 'ja')).toBe(DEFAULT_AWAY_MESSAGES.en);
  expect(awayMessageFor({ awayMessage: 'Closed for the holidays.' }, 'de')).toBe('Closed for the holidays.');
  expect(awayMessageFor({ awayMessage: 'Closed.', awayMessages: { de: 'Geschlossen.' } }, 'de-CH')).toBe('Geschlossen.');
  expect(awayMessageFor({ awayMessages: { de: 'x'.repeat(600) } }, 'de')).toHaveLength(500);
});

test('AWAY_MESSAGE_<LANG> sets the away message of one language', () => {
  const options = optionsFromEnv({ AWAY_MESSAGE: 'Closed.', AWAY_MESSAGE_DE: 'Geschlossen.', AWAY_MESSAGE_AR: 'مغلق.', AWAY_MESSAGE_XX: 'ignored' });
  expect(options.awayMessage).toBe('Closed.');
  expect(options.awayMessages).toEqual({ de: 'Geschlossen.', ar: 'مغلق.' });
});

describe('over the wire', () => {
  let backend: TestBackend;
  afterEach(async () => backend?.dispose());

  test("each visitor gets the away message in their conversation's language; a visitor frame changes it, and what agents see", async () => {
    backend = new TestBackend({ awayMessages: { de: 'Geschlossen.' } });
    await backend.start();
    const { peer: agentPeer } = await backend.agent('Alex');
    const de = await backend.visitor('visitor-de-0000000001', { locale: 'de-AT', page: { url: 'https://shop.example/', title: 'Start' }, attributes: { plan: 'pro' } });
    const fr = await backend.visitor('visitor-fr-0000000001', { locale: 'fr' });
    expect(de.welcome.availability.awayMessage).toBe('Geschlossen.');
    expect(fr.welcome.availability.awayMessage).toBe(DEFAULT_AWAY_MESSAGES.fr);
    // Agents see the page and the attributes the hello carried…
    await agentPeer.type('conversation', (f) => f.conversation.page?.title === 'Start' && f.conversation.attributes?.plan === 'pro' && f.conversation.locale === 'de-AT');
    // …and every change: another page, another language (answered with the away message in it).
    de.peer.send({ type: 'visitor', page: { url: 'https://shop.example/shoes', title: 'Shoes' } });
    await agentPeer.type('conversation', (f) => f.conversation.page?.url === 'https://shop.example/shoes' && f.conversation.attributes?.plan === 'pro');
    de.peer.send({ type: 'visitor', locale: 'es' });
    expect((await de.peer.type('availability')).availability.awayMessage).toBe(DEFAULT_AWAY_MESSAGES.es);
    await agentPeer.type('conversation', (f) => f.conversation.locale === 'es');
    // A wrong one is refused, changing nothing.
    de.peer.send({ type: 'visitor', attributes: { nested: { no: 1 } } });
    expect((await de.peer.type('error')).code).toBe('invalid_frame');
  });
});
