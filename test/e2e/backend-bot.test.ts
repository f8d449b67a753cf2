/**
 * Natter Bot in the reference backend: what it decides (pure), and what visitors see over the wire —
 * an honest greeting, keyword answers with quick replies, and "talk to a person" handing over to the
 * live queue or to the team's inbox.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { INITIAL_BOT_STATE, decide, type BotInput } from '../../demo/bot';
import { TestBackend, say, type Frame, type Peer } from './backend-peer';

const input = (text: string, more: Partial<BotInput> = {}): BotInput => ({
  text,
  state: INITIAL_BOT_STATE,
  firstVisitorMessage: false,
  someoneAvailable: true,
  ...more,
});

describe('decide', () => {
  test('greets once, on the first message while nobody is available, and says it is a bot', () => {
    const first = decide(input('Hello there', { firstVisitorMessage: true, someoneAvailable: false }));
    expect(first.replies).toHaveLength(1);
    expect(first.replies[0]!.text).toMatch(/I'm Natter Bot, an automated assistant — not a person/);
    expect(first.replies[0]!.quickReplies).toEqual(['Shipping', 'Returns', 'Opening hours']);
    expect(first.state).toEqual({ greeted: true, quiet: false });
    expect(decide(input('Hello there', { firstVisitorMessage: true, someoneAvailable: false, state: first.state })).replies).toEqual([]);
    // Someone is there: no greeting, the team answers.
    expect(decide(input('Hello there', { firstVisitorMessage: true, someoneAvailable: true })).replies).toEqual([]);
    // Not the first message: no greeting either.
    expect(decide(input('Hello there', { someoneAvailable: false })).replies).toEqual([]);
  });

  test('answers shipping, returns and hours in English, German and Dutch, with quick replies', () => {
    const shipping = decide(input('How long does delivery take?'));
    expect(shipping.replies[0]!.text).toMatch(/^Shipping:/);
    expect(shipping.replies[0]!.quickReplies).toEqual(['Returns', 'Opening hours']);
    expect(decide(input('Returns')).replies[0]!.text).toMatch(/^Returns: .*30 days/);
    expect(decide(input('Wann ist der Versand?')).replies[0]).toMatchObject({ text: expect.stringMatching(/^Versand:/), quickReplies: ['Rückgabe', 'Öffnungszeiten'] });
    expect(decide(input('Ik wil retourneren')).replies[0]!.text).toMatch(/^Retourneren:/);
    expect(decide(input('Openingstijden')).replies[0]!.text).toMatch(/^Openingstijden:/);
    expect(decide(input('What are your opening hours?', { hours: 'Mon–Fri 09:00–17:00 (Europe/Berlin)' })).replies[0]!.text).toContain('Mon–Fri 09:00–17:00 (Europe/Berlin)');
    // Two topics in one question: one answer covering both.
    const both = decide(input('Shipping and refund?')).replies;
    expect(both).toHaveLength(1);
    expect(both[0]!.text).toMatch(/^Shipping:[\s\S]*Returns:/);
    // The locale decides when the message names no language.
    expect(decide(input('hi', { locale: 'nl-BE', firstVisitorMessage: true, someoneAvailable: false })).replies[0]!.text).toMatch(/^Hallo! Ik ben Natter Bot/);
    // Nothing it knows: silence.
    expect(decide(input('Is the blue teapot in stock?')).replies).toEqual([]);
  });

  test('answers in French, Spanish and Arabic too: by keyword, else by the locale, English for others', () => {
    expect(decide(input('Quel est le délai de livraison ?')).replies[0]).toMatchObject({ text: expect.stringMatching(/^Livraison :/), quickReplies: ['Retours', "Horaires d'ouverture"] });
    expect(decide(input('Je veux retourner ma commande')).replies[0]!.text).toMatch(/^Retours :/);
    expect(decide(input('Ik wil retourneren')).replies[0]!.text).toMatch(/^Retourneren:/); // Dutch, not French
    expect(decide(input('¿Cuánto tarda el envío?')).replies[0]).toMatchObject({ text: expect.stringMatching(/^Envíos:/), quickReplies: ['Devoluciones', 'Horario'] });
    expect(decide(input('¿Cuál es su horario?')).replies[0]!.text).toMatch(/^Horario:/);
    expect(decide(input('كم يستغرق الشحن؟')).replies[0]).toMatchObject({ text: expect.stringMatching(/^الشحن:/), quickReplies: ['الإرجاع', 'ساعات العمل'] });
    const greet = (locale: string) => decide(input('hi', { locale, firstVisitorMessage: true, someoneAvailable: false })).replies[0]!;
    expect(greet('fr-CA')).toMatchObject({ text: expect.stringMatching(/^Bonjour ! Je suis Natter Bot/), quickReplies: ['Livraison', 'Retours', "Horaires d'ouverture"] });
    expect(greet('es').text).toMatch(/^¡Hola! Soy Natter Bot/);
    expect(greet('ar').text).toMatch(/^مرحبًا! أنا Natter Bot/);
    expect(greet('ja').text).toMatch(/^Hi! I'm Natter Bot/);
  });

  test('"a person" in any of its languages hands off; a quiet bot says nothing at all', () => {
    for (const text of ['Parler à une personne', 'un conseiller svp', 'Hablar con una persona', 'التحدث إلى شخص', 'أريد موظف']) {
      expect(decide(input(text)).handoff, text).toBe(true);
    }
    for (const text of ['Talk to a person', 'Can I speak to a human?', 'Mit einem Menschen sprechen', 'Ich möchte einen Mitarbeiter', 'Met een medewerker praten', 'een persoon graag', 'agent please']) {
      expect(decide(input(text)).handoff, text).toBe(true);
    }
    expect(decide(input('my personal details')).handoff).toBe(false);
    expect(decide(input('shipping', { state: { greeted: true, quiet: true } }))).toEqual({ replies: [], handoff: false, state: { greeted: true, quiet: true } });
  });
});

describe('over the wire', () => {
  let backend: TestBackend;
  afterEach(async () => {
    expect(backend.invalidFrames()).toEqual([]);
    await backend.dispose();
  });

  const botItem = (peer: Peer) => peer.type('item', (f) => f.item.author.role === 'bot');

  test('with nobody there: greeting, keyword answer, handoff to messaging, quiet until an agent replies', async () => {
    backend = new TestBackend();
    await backend.start();
    const { peer } = await backend.visitor('visitor-bot-0001', { locale: 'en-GB' });

    await say(peer, 'Hello, is the blue teapot in stock?');
    const greeting = (await botItem(peer)).item;
    expect(greeting.author).toEqual({ role: 'bot', id: 'bot', name: 'Natter Bot' });
    expect(greeting.text).toMatch(/Natter Bot, an automated assistant — not a person/);
    expect(greeting.quickReplies).not.toContain('Talk to a person'); // the widget's own button says it
    expect(greeting.clientId).toBeUndefined();

    await say(peer, 'Shipping');
    const answer = (await botItem(peer)).item;
    expect(answer.text).toMatch(/^Shipping:/);
    expect(answer.quickReplies).toEqual(['Returns', 'Opening hours']);

    await say(peer, 'Talk to a person');
    const handoff = (await peer.type('item', (f) => f.item.event?.kind === 'handoff')).item;
    expect(handoff).toMatchObject({ author: { role: 'system' }, event: { kind: 'handoff', to: 'messaging' }, text: 'A person will reply here as soon as possible' });

    // Quiet now, even for things it knows.
    await say(peer, 'What about returns?');
    await peer.none((f) => f.type === 'item' && f.item.author.role === 'bot');

    const alex = await backend.agent('Alex');
    const conversation = alex.snapshot.conversations[0];
    expect(conversation.needsPerson).toBe(true);
    expect(conversation.items.filter((i: Frame) => i.author.role === 'bot')).toHaveLength(2);
    alex.peer.send({ type: 'reply', conversationId: conversation.id, clientId: 'a1', text: 'Hi, Alex here.' });
    expect((await alex.peer.type('conversation', (f) => f.conversation.needsPerson === false)).conversation.id).toBe(conversation.id);
    await say(peer, 'And returns?');
    expect((await botItem(peer)).item.text).toMatch(/^Returns:/);

    // The bot's memory survives a restart: no second greeting, and it is not quiet.
    await backend.stop();
    await backend.start();
    const again = await backend.visitor('visitor-bot-0001');
    await say(again.peer, 'Refund please');
    const after = (await botItem(again.peer)).item;
    expect(after.text).toMatch(/^Returns:/);
  });

  test('"talk to a person" with an agent available joins the live queue; the bot is silent while queued', async () => {
    backend = new TestBackend();
    await backend.start();
    const alex = await backend.agent('Alex');
    const { peer, welcome } = await backend.visitor('visitor-bot-0002');

    await say(peer, 'Hello!');
    await peer.none((f) => f.type === 'item' && f.item.author.role === 'bot'); // someone is there: no greeting
    await say(peer, 'Shipping');
    expect((await botItem(peer)).item.text).toMatch(/^Shipping:/);

    peer.send({ type: 'handoff' });
    expect((await peer.type('item', (f) => f.item.event?.kind === 'handoff')).item).toMatchObject({ event: { kind: 'handoff', to: 'live' } });
    expect((await peer.type('session')).session).toMatchObject({ state: 'queued', position: 1 });
    await alex.peer.type('conversation', (f) => f.conversation.session?.state === 'queued');

    await say(peer, 'Shipping?');
    await peer.none((f) => f.type === 'item' && f.item.author.role === 'bot');
    alex.peer.send({ type: 'accept', conversationId: welcome.conversationId });
    await peer.type('session', (f) => f.session.state === 'live');
    await say(peer, 'Returns?');
    await peer.none((f) => f.type === 'item' && f.item.author.role === 'bot');
  });

  test('BOT=off: no greeting, no answers, but "handoff" still works', async () => {
    backend = new TestBackend({ bot: false });
    await backend.start();
    const { peer } = await backend.visitor('visitor-bot-0003');
    await say(peer, 'Hello');
    await say(peer, 'Shipping');
    await say(peer, 'Talk to a person');
    await peer.none((f) => f.type === 'item' && f.item.author.role !== 'visitor');
    peer.send({ type: 'handoff' });
    expect((await peer.type('item', (f) => f.item.event?.kind === 'handoff')).item.event).toEqual({ kind: 'handoff', to: 'messaging' });
  });
});
