import { describe, expect, it } from 'vitest';
import type { SystemEvent } from '../../../src/model/types';
import { strings } from '../../../src/i18n/index';
import { eventText } from '../../../src/ui/event-text';

const en = strings('en');

describe('system messages in the widget language', () => {
  it.each<[SystemEvent, string]>([
    [{ kind: 'queued' }, 'Waiting for an agent…'],
    [{ kind: 'joined', name: 'Alex' }, 'Alex joined the chat'],
    [{ kind: 'joined' }, 'Team member joined the chat'],
    [{ kind: 'ended', by: 'agent' }, "Chat ended — write here and we'll reply"],
    [{ kind: 'ended', by: 'timeout' }, "Chat ended — write here and we'll reply"],
    [{ kind: 'handoff', to: 'live' }, 'Connecting you to a person…'],
    [{ kind: 'handoff', to: 'messaging' }, 'A person will reply here as soon as possible.'],
    [{ kind: 'email', email: 'ana@example.com' }, "We'll email you at ana@example.com when we reply."],
    [{ kind: 'rated', score: 4 }, 'Thanks for rating this chat 4/5.'],
    [{ kind: 'mode', to: 'live' }, 'Chat live with us'],
    [{ kind: 'mode', to: 'messaging' }, 'A person will reply here as soon as possible.'],
  ])('%j → %s', (event, text) => {
    expect(eventText(event, en)).toBe(text);
  });

  it('speaks German and Dutch', () => {
    expect(eventText({ kind: 'joined', name: 'Alex' }, strings('de'))).toBe('Alex ist dem Chat beigetreten');
    expect(eventText({ kind: 'ended', by: 'visitor' }, strings('nl'))).toBe('Chat beëindigd – schrijf hier, dan reageren we');
  });

  it('leaves unknown kinds, and events missing what they need, to the message text', () => {
    for (const event of [{ kind: 'later' }, { kind: 'toString' }, { kind: 'constructor' }, { kind: 'email' }, { kind: 'rated' }, { kind: 'handoff' }, { kind: 'mode' }]) {
      expect(eventText(event as SystemEvent, en), event.kind).toBeUndefined();
    }
  });
});
