import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchPage } from '../../../src/embed/page';

describe('watchPage', () => {
  const stops: (() => void)[] = [];
  const pushState = history.pushState;
  const replaceState = history.replaceState;
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    history.pushState = pushState;
    history.replaceState = replaceState;
    vi.useRealTimers();
  });

  it('reports the page now, then each route change by pushState, replaceState and popstate, once each', () => {
    vi.useFakeTimers();
    const seen: { url: string; title: string }[] = [];
    document.title = 'Home';
    stops.push(watchPage((page) => seen.push(page)));
    expect(seen).toEqual([{ url: location.href, title: 'Home' }]);
    history.pushState({}, '', '/shoes');
    document.title = 'Shoes'; // set by the app after the route change, as routers do
    vi.advanceTimersByTime(100);
    expect(seen.at(-1)).toEqual({ url: new URL('/shoes', location.href).href, title: 'Shoes' });
    history.replaceState({}, '', '/shoes?size=42');
    vi.advanceTimersByTime(100);
    expect(seen.at(-1)!.url).toMatch(/\/shoes\?size=42$/);
    history.replaceState({}, '', '/shoes?size=42'); // nothing new
    vi.advanceTimersByTime(100);
    expect(seen).toHaveLength(3);
    history.pushState({}, '', '/cart');
    dispatchEvent(new PopStateEvent('popstate'));
    vi.advanceTimersByTime(100);
    expect(seen).toHaveLength(4);
  });

  it("keeps the page's own history functions working: same this, arguments, result and errors", () => {
    const calls: unknown[][] = [];
    history.pushState = function (this: History, ...args: unknown[]) {
      calls.push([this, ...args]);
      if (args[2] === '/boom') throw new Error('the page threw');
      return undefined;
    } as History['pushState'];
    stops.push(watchPage(() => {}));
    history.pushState({ a: 1 }, '', '/x');
    expect(calls).toEqual([[history, { a: 1 }, '', '/x']]);
    expect(() => history.pushState({}, '', '/boom')).toThrow('the page threw');
  });

  it("a report that throws never reaches the page's call", () => {
    vi.useFakeTimers();
    stops.push(
      watchPage((page) => {
        if (page.url.endsWith('/bad')) throw new Error('ours');
      }),
    );
    expect(() => history.pushState({}, '', '/bad')).not.toThrow();
    expect(() => vi.advanceTimersByTime(100)).toThrow('ours'); // in a task of its own, never in the page's call
  });

  it('stops reporting when stopped, and survives a history it cannot wrap', () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const stop = watchPage((page) => seen.push(page.url));
    stop();
    history.pushState({}, '', '/after-stop');
    vi.advanceTimersByTime(100);
    expect(seen).toHaveLength(1);
    const frozen = Object.getOwnPropertyDescriptor(History.prototype, 'pushState');
    Object.defineProperty(history, 'pushState', { value: pushState, writable: false, configurable: true });
    expect(() => stops.push(watchPage(() => {}))).not.toThrow();
    delete (history as { pushState?: unknown }).pushState;
    expect(frozen).toBeDefined();
  });
});
