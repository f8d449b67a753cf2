import type { RefObject } from 'preact';
import { useLayoutEffect } from 'preact/hooks';

/** Where the panel fills the screen: phones, and laptops zoomed to 200 % or more. styles.css has the same query. */
export const FULL_SCREEN = '(max-width: 480px), (max-height: 480px)';

/**
 * Keeps the page and the open panel apart. Full screen (as it is when opened), the panel is a modal dialog:
 * everything else on the page is made `inert` (out of the Tab order and of screen readers' reach), from the
 * widget's host up to `<body>`, and exactly those elements are given back when it closes; what the page had
 * made inert itself stays so. Beside the page (desktops), a page element that takes the focus under the panel
 * is scrolled out from under it, or, where the page cannot scroll so far, the panel closes (keeping the
 * draft), without moving the focus: the focused element is never hidden.
 */
export function useModal(panelRef: RefObject<HTMLElement | null>, open: boolean, close: () => void): void {
  useLayoutEffect(() => {
    const panel = panelRef.current;
    if (!open || !panel) return;
    const root = panel.getRootNode() as ShadowRoot;
    const modal = matchMedia(FULL_SCREEN).matches;
    panel.setAttribute('aria-modal', String(modal));
    const made: Element[] = [];
    for (let node = root.host; modal && node.parentElement && node !== document.body; node = node.parentElement) {
      for (const sibling of node.parentElement.children) {
        if (sibling !== node && !sibling.hasAttribute('inert')) {
          sibling.setAttribute('inert', '');
          made.push(sibling);
        }
      }
    }
    /** How far (px) `element` reaches under the panel from above; 0 if not under it. */
    const under = (element: Element) => {
      const a = element.getBoundingClientRect();
      const b = panel.getBoundingClientRect();
      return a.right > b.left && a.left < b.right && a.bottom > b.top && a.top < b.bottom ? a.bottom - b.top : 0;
    };
    const onFocus = ({ target }: FocusEvent) => {
      // Focus inside the widget reaches the page as its host.
      if (modal || target === root.host || !(target instanceof Element)) return;
      if (under(target)) scrollBy({ top: under(target) + 8, behavior: 'instant' });
      if (under(target)) close();
    };
    document.addEventListener('focusin', onFocus);
    return () => {
      made.forEach((element) => element.removeAttribute('inert'));
      document.removeEventListener('focusin', onFocus);
    };
  }, [open]);
}
