import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

/**
 * Keeps the focused control in view while the panel's content changes around it (WCAG 2.4.11). On a short
 * screen or at high zoom the panel scrolls as a whole; a reply, a card or a button that appears above the text
 * box would push it out of view while the customer types, and the browser brings the caret back only at the
 * next key. Whenever a part of the panel appears, goes or changes size, the panel (never the page) scrolls by
 * the least that shows the focused control: its top edge first, then as much of it as fits — unless the
 * customer had scrolled it out of view to read something else.
 */
export function useFocusInView(ref: RefObject<HTMLElement | null>, active: boolean): void {
  useEffect(() => {
    const panel = ref.current;
    if (!active || !panel) return;
    /** The focused control, when the panel is what scrolls to it (the messages scroll on their own). */
    const focused = () => {
      const element = (panel.getRootNode() as Document | ShadowRoot).activeElement;
      return element && element !== panel && panel.contains(element) && !element.closest('.log') ? element : undefined;
    };
    /** How far the panel must scroll to show `element` (0: in view), and whether any of it shows now. */
    const place = (element: Element): [number, boolean] => {
      const top = panel.getBoundingClientRect().top + panel.clientTop;
      const bottom = top + panel.clientHeight;
      const r = element.getBoundingClientRect();
      return [r.top < top ? r.top - top : r.bottom > bottom ? Math.min(r.bottom - bottom, r.top - top) : 0, r.bottom > top && r.top < bottom];
    };
    // Whether the customer has the focused control in view: once they scroll it away to read, it stays away.
    let seen = false;
    const look = () => {
      const element = focused();
      seen = !!element && place(element)[1];
    };
    const keep = () => {
      const element = focused();
      if (element && seen) panel.scrollTop += place(element)[0];
      look();
    };
    const sizes = new ResizeObserver(keep);
    const watch = (nodes: Iterable<Node>) => {
      for (const node of nodes) if (node instanceof Element) sizes.observe(node);
    };
    watch(panel.children);
    // A part that comes is watched from then on (its first size is a change too); one that goes moves the rest.
    const parts = new MutationObserver((records) => {
      for (const record of records) watch(record.addedNodes);
      keep();
    });
    parts.observe(panel, { childList: true });
    panel.addEventListener('scroll', look);
    panel.addEventListener('focusin', look);
    return () => {
      sizes.disconnect();
      parts.disconnect();
      panel.removeEventListener('scroll', look);
      panel.removeEventListener('focusin', look);
    };
  }, [active]);
}
