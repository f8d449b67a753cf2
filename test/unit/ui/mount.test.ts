import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNatter } from '../../../src/natter';
import { NatterError } from '../../../src/core/errors';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { mountWidget } from '../../../src/ui';
import launcherCss from '../../../src/ui/launcher.css?inline';
import css from '../../../src/ui/styles.css?inline';

function client() {
  return createNatter({ transport: new MemoryTransport(new MemoryBackend()), storage: 'memory' });
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

describe('mountWidget', () => {
  it('renders into an open shadow root on a host appended to the body', () => {
    const widget = mountWidget(client());
    expect(widget.host.hasAttribute('data-natter-widget')).toBe(true);
    expect(widget.host.parentElement).toBe(document.body);
    expect(widget.root.mode).toBe('open');
    expect(widget.host.shadowRoot).toBe(widget.root);
    expect(widget.root.querySelector('button.launcher')).not.toBeNull();
    // Nothing of the widget lands in the page's own DOM.
    expect(document.body.querySelector('button')).toBeNull();
  });

  it('adopts constructable stylesheets holding the widget CSS: the launcher part, then the panel part', () => {
    const replaceSync = vi.spyOn(CSSStyleSheet.prototype, 'replaceSync');
    const widget = mountWidget(client());
    expect(widget.root.adoptedStyleSheets).toHaveLength(2);
    expect(widget.root.adoptedStyleSheets.every((sheet) => sheet instanceof CSSStyleSheet)).toBe(true);
    expect(replaceSync).toHaveBeenCalledWith(launcherCss);
    expect(replaceSync).toHaveBeenCalledWith(css);
    expect(widget.root.querySelector('style')).toBeNull();
  });

  it('puts nothing on the page in a browser without constructable stylesheets (it throws, for the caller to report)', () => {
    vi.stubGlobal('CSSStyleSheet', undefined);
    const before = document.body.childElementCount;
    expect(() => mountWidget(client())).toThrow();
    expect(document.body.childElementCount).toBe(before);
    vi.unstubAllGlobals();
  });

  it('mounts into the given container', () => {
    const container = document.createElement('section');
    document.body.append(container);
    const widget = mountWidget(client(), { container });
    expect(widget.host.parentElement).toBe(container);
  });

  it('sets the stacking order and the accent colours on the host, not the page', () => {
    const widget = mountWidget(client(), { zIndex: 42, color: '#ffd400' });
    expect(widget.host.style.getPropertyValue('--natter-z')).toBe('42');
    expect(widget.host.style.getPropertyValue('--natter-accent')).toBe('#ffd400');
    // Yellow is too light for white text: the text on it turns black, and the focus ring dark.
    expect(widget.host.style.getPropertyValue('--natter-on-accent')).toBe('#000');
    expect(widget.host.style.getPropertyValue('--natter-ring')).toBe('#1c1e21');
  });

  it('uses the default stacking order and an AA accent when none is given', () => {
    const widget = mountWidget(client());
    expect(widget.host.style.getPropertyValue('--natter-z')).toBe('2147483000');
    expect(widget.host.style.getPropertyValue('--natter-on-accent')).toBe('#fff');
  });

  it('starts the client', async () => {
    const natter = client();
    const start = vi.spyOn(natter, 'start');
    mountWidget(natter);
    expect(start).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(natter.getState().ready).toBe(true));
  });

  it('unmount removes the host and everything in it, and can be called twice', () => {
    const widget = mountWidget(client());
    widget.unmount();
    expect(document.querySelector('[data-natter-widget]')).toBeNull();
    expect(widget.root.childNodes).toHaveLength(0);
    expect(() => widget.unmount()).not.toThrow();
  });

  it('refuses invalid options with an error that names the option', () => {
    const natter = client();
    const attempt = () => mountWidget(natter, { color: 'red;background:url(//evil)' });
    expect(attempt).toThrow(NatterError);
    expect(attempt).toThrow('Natter: widget option "color" must be a hex colour such as "#0a7cff", got "red;background:url(//evil)".');
    expect(() => mountWidget(natter, { position: 'top' as 'left' })).toThrow('option "position" must be "right" or "left", got "top"');
    expect(() => mountWidget(natter, { strings: { greting: 'Hi' } as never })).toThrow('option "strings" has an unknown text "greting"');
    expect(() => mountWidget(natter, { container: {} as HTMLElement })).toThrow('option "container" must be an HTML element on the page, got an object (Object)');
    expect(() => mountWidget(natter, { locale: 'de"><script>' })).toThrow('option "locale"');
    expect(document.querySelector('[data-natter-widget]')).toBeNull();
  });
});
