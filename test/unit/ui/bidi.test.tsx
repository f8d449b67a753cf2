/**
 * Bidi and invisible control characters in network text (issue 8's attack: link text ending in
 * "\u202Egnp.exe" reads as "…exe.png"): each message and name is isolated from the widget's own text, links
 * with such characters show where they really lead, and names put into sentences lose their bidi controls.
 */
import { render } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { Linkified } from '../../../src/ui/Linkified';
import { openConnected, until, waitFor } from './helpers';

const RLO = '\u202E';
/** Every character that reorders text or cannot be seen, which no shown link text or sentence may keep. */
const CONTROLS = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;

function link(text: string) {
  const a = render(<Linkified text={text} />).container.querySelector('a')!;
  return { href: a.getAttribute('href'), shown: a.textContent! };
}

describe('link text that hides where it leads', () => {
  it("shows the issue's payload as the host it leads to, never as a different file name", () => {
    const { href, shown } = link(`Your invoice: https://evil.example/files/invoice${RLO}gnp.exe`);
    expect(shown).toBe('evil.example/…');
    expect(href).toBe('https://evil.example/files/invoice%E2%80%AEgnp.exe');
  });

  it.each([
    ['zero-width joiner and space', 'https://pay\u200Dpal.example/login and https://shop.example\u200B/cart'],
    ['isolates', `https://files.example/\u2066report\u2069.pdf`],
    ['embeddings and marks', `https://files.example/a\u202Bb\u200Fc`],
    ['a word joiner and a soft hyphen', 'https://files.example/in\u2060voice\u00AD.pdf'],
  ])('%s: the link shows its host, without the characters', (_name, text) => {
    const a = render(<Linkified text={text} />).container.querySelector('a')!;
    expect(a.textContent).toBe(`${new URL(a.getAttribute('href')!).host}/…`);
    expect(a.textContent).not.toMatch(CONTROLS);
  });

  it('leaves ordinary links as written, right-to-left ones included', () => {
    expect(link('see https://example.com/a?b=1 ok').shown).toBe('https://example.com/a?b=1');
    expect(link('ראו https://example.co.il/עמוד').shown).toBe('https://example.co.il/עמוד');
    expect(link(`mail mailto:a${RLO}b@example.com`).shown).toBe('mailto:a%E2%80%AEb@example.com');
  });
});

describe('messages and names from the network', () => {
  it('isolate each message and each name, and strip bidi controls from names in sentences', async () => {
    const t = await openConnected();
    const agent = { role: 'agent' as const, id: 'a1', name: `Alex${RLO} (admin)` };
    t.backend.reply(t.visitorId(), `Here: https://evil.example/x${RLO}fdp.exe`, agent);
    const message = await waitFor(() => t.messages()[0], 'the reply');
    expect(message.querySelector('.bubble')!.getAttribute('dir')).toBe('auto');
    expect(message.querySelector('.name')!.tagName).toBe('BDI');
    expect(message.querySelector('.name')!.textContent).toBe(agent.name);
    expect(message.querySelector('a')!.textContent).toBe('evil.example/…');

    // A person has answered, so the widget offers no live chat button now: the site starts it.
    expect(t.byTestId('start-live')).toBeNull();
    await t.client.startLive();
    t.backend.join(t.visitorId(), agent);
    const joined = await waitFor(() => t.messages().find((m) => m.textContent!.includes('joined the chat')), 'the joined notice');
    expect(joined.querySelector('.bubble')!.textContent).toBe('Alex (admin) joined the chat');
    t.backend.typing(t.visitorId(), true, agent);
    const typing = await waitFor(() => t.byTestId('typing'), 'the typing line');
    expect(typing.textContent).toBe('Alex (admin) is typing…');
  });
});
