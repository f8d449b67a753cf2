import { fireEvent } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNatter } from '../../../src/natter';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { mountWidget, widgetOptionsSchema } from '../../../src/ui';
import { widgetOptionExpectations } from '../../../src/ui/options';
import { openConnected, until } from './helpers';

/** A stand-in for the Web Audio API that counts the tones started. */
class FakeAudioContext {
  static made = 0;
  static tones = 0;
  currentTime = 0;
  destination = {};
  constructor() {
    FakeAudioContext.made++;
  }
  resume() {
    return Promise.resolve();
  }
  createOscillator() {
    const param = { setValueAtTime() {} };
    return { frequency: param, connect: (node: unknown) => node, start: () => FakeAudioContext.tones++, stop() {} };
  }
  createGain() {
    const param = { setValueAtTime() {}, exponentialRampToValueAtTime() {} };
    return { gain: param, connect: (node: unknown) => node };
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeAudioContext.made = 0;
  FakeAudioContext.tones = 0;
});

async function closedAfterWriting(sound: boolean | undefined) {
  vi.stubGlobal('AudioContext', FakeAudioContext);
  const t = await openConnected({ widget: { sound } });
  // The first key press in the widget is the gesture that allows audio.
  t.send('Hello');
  await until(() => t.backend.messages(t.visitorId()).length === 1, 'the message to arrive');
  fireEvent.click(t.launcher());
  await until(() => !t.client.getState().isOpen, 'the panel to close');
  return t;
}

describe('sound option', () => {
  it('is validated: true or false', () => {
    expect(widgetOptionsSchema.safeParse({ sound: true }).success).toBe(true);
    expect(widgetOptionsSchema.safeParse({ sound: 'yes' }).success).toBe(false);
    expect(widgetOptionExpectations.sound).toBe('true or false');
    const natter = createNatter({ transport: new MemoryTransport(new MemoryBackend()), storage: 'memory' });
    expect(() => mountWidget(natter, { sound: 1 as unknown as boolean })).toThrow('Natter: widget option "sound" must be true or false, got 1.');
  });

  it('chimes when the team writes while the panel is closed, after a gesture in the widget', async () => {
    const t = await closedAfterWriting(true);
    expect(FakeAudioContext.made).toBe(1);
    expect(FakeAudioContext.tones).toBe(0);
    t.backend.reply(t.visitorId(), 'Hi!');
    await until(() => FakeAudioContext.tones === 1, 'the chime');
  });

  it('does not chime for what the visitor sees or writes', async () => {
    const t = await closedAfterWriting(true);
    t.client.open();
    t.backend.reply(t.visitorId(), 'Hi!');
    await until(() => t.messages().length === 2, 'the reply');
    t.send('Thanks');
    await until(() => t.backend.messages(t.visitorId()).length === 3, 'the message');
    expect(FakeAudioContext.tones).toBe(0);
  });

  it('is off by default: no audio context at all', async () => {
    const t = await closedAfterWriting(undefined);
    t.backend.reply(t.visitorId(), 'Hi!');
    await until(() => t.client.getState().unread === 1, 'the reply');
    expect(FakeAudioContext.made).toBe(0);
  });

  it('never fails without Web Audio', async () => {
    vi.stubGlobal('AudioContext', undefined);
    const t = await openConnected({ widget: { sound: true } });
    expect(() => fireEvent.pointerDown(t.input())).not.toThrow();
    t.client.close();
    t.backend.reply(t.visitorId(), 'Hi!');
    await until(() => t.client.getState().unread === 1, 'the reply');
  });
});
