import { configure, within } from '@testing-library/preact';
import { afterEach, vi } from 'vitest';
import { createNatter, type NatterClient, type NatterOptions } from '../../../src/core/client';
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
    input: () => widget.root.querySelector('textarea')!,
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
