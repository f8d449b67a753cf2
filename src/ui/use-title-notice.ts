import { useLayoutEffect } from 'preact/hooks';
import type { NatterClient } from '../core/client.ts';

/**
 * While the page's tab is in the background and replies are unread, puts "(2) New message · " before the
 * page's title, so the visitor sees the reply from another tab. The page's own title comes back as it was
 * when the tab is shown again, nothing is unread any more, or the widget is removed; a title the page set
 * meanwhile (a single-page app changing route) is left alone. It also tells the client whether the page is
 * visible, so replies that arrive in a background tab count as unread even with the panel open.
 */
export function useTitleNotice(client: NatterClient, unread: number, text: string, notifies = true): void {
  useLayoutEffect(() => {
    let original: string | undefined;
    let shown: string | undefined;
    const restore = () => {
      if (shown !== undefined && document.title === shown) document.title = original!;
      shown = undefined;
    };
    const update = () => {
      restore();
      const hidden = document.visibilityState === 'hidden';
      client.setPageVisible(!hidden);
      // With several tabs open, only the one the customer looked at last changes its title.
      if (!hidden || unread < 1 || !notifies) return;
      original = document.title;
      document.title = shown = `(${unread}) ${text}${original && ` · ${original}`}`;
    };
    update();
    document.addEventListener('visibilitychange', update);
    return () => {
      document.removeEventListener('visibilitychange', update);
      restore();
    };
  }, [client, unread, text, notifies]);
}
