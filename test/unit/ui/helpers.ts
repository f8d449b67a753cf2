import { configure, fireEvent, within } from '@testing-library/preact';
import { afterEach, vi } from 'vitest';
import { createNatter, type NatterOptions } from '../../../src/natter';
import type { NatterClient } from '../../../src/core/client';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { mountWidget, type Widget, type WidgetOptions } from '../../../src/ui';

// Failed queries print the DOM, which Testing Library cannot do for a shadow root: print its HTML instead.
configure({
  getElementError: (message, container) =>
    Object.assign(new Error(`${message}\n\n${(container as unknown as ShadowRoot).innerHTML ?? ''}`), { name: 'TestingLibraryElementError' }),
});

const mounted: { widget: Widget; client: NatterClient }[] = [];

afterEach(() => {
  for (const { widget, client } of mounted.splice(0)) {
    widget.unmount();
    client.stop();
  }
  document.documentElement.lang = '';
});

/** A widget on a memory backend, and the shadow root's queries. */
export async function mountTestWidget(options: { natter?: Partial<NatterOptions>; widget?: WidgetOptions; backend?: MemoryBackend } = {}) {
  const backend = options.backend ?? new MemoryBackend();
  const client = createNatter({ transport: new MemoryTransport(backend, 10), storage: 'memory', ...options.natter });
  const widget = mountWidget(client, options.widget);
  mounted.push({ widget, client });
  const screen = within(widget.root as unknown as HTMLElement);
  await vi.waitFor(() => {
    if (!client.getState().ready) throw new Error('client not ready');
  });
  return {
    backend,
    client,
    widget,
    screen,
    /** The launcher button. */
    launcher: () => screen.getByRole('button', { expanded: client.getState().isOpen }) as HTMLButtonElement,
    /** The composer's text box. */
    input: () => widget.root.querySelector<HTMLTextAreaElement>('.composer textarea')!,
    /** The element that has focus inside the shadow root. */
    active: () => widget.root.activeElement,
    /** The visitor id the backend knows (after the first connection). */
    visitorId: () => backend.visitorIds()[0]!,
    messages: () => [...widget.root.querySelectorAll<HTMLElement>('[data-testid="message"]')],
  };
}

/** Waits until `predicate` holds; fails with `what` after 2 s. */
export async function until(predicate: () => boolean, what = 'condition'): Promise<void> {
  await vi.waitFor(
    () => {
      if (!predicate()) throw new Error(`still waiting for ${what}`);
    },
    { timeout: 2000, interval: 5 },
  );
}

/** A widget whose panel is open and connected to the memory backend, which knows the visitor. */
export async function openConnected(options: Parameters<typeof mountTestWidget>[0] = {}) {
  const t = await mountTestWidget(options);
  t.client.open();
  await until(() => t.client.getState().connection === 'open' && t.backend.visitorIds().length === 1, 'the connection');
  const byTestId = (id: string) => t.widget.root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const header = () => t.widget.root.querySelector<HTMLElement>('.header')!;
  /** Types `text` in the text box and presses Enter. */
  const send = (text: string) => {
    fireEvent.input(t.input(), { target: { value: text } });
    fireEvent.keyDown(t.input(), { key: 'Enter' });
  };
  /** Asks for live chat with the button and waits until an agent has joined. */
  const goLive = async (agent = { role: 'agent' as const, id: 'a1', name: 'Alex Kim' }) => {
    fireEvent.click(await waitFor(() => byTestId('start-live')));
    await until(() => t.client.getState().mode.phase === 'queued', 'the queue');
    t.backend.join(t.visitorId(), agent);
    await until(() => t.client.getState().mode.phase === 'live', 'the agent to join');
  };
  return { ...t, byTestId, header, send, goLive };
}

/** Waits until `find` returns an element; fails after 2 s. */
export async function waitFor<T>(find: () => T | null | undefined, what = 'the element'): Promise<T> {
  let found: T | null | undefined;
  await until(() => (found = find()) != null, what);
  return found!;
}
