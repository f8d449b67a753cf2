import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

/**
 * Keeps the focused control in view while the panel's content changes around it (WCAG 2.4.11). On a short
 * screen or at high zoom the panel scrolls as a whole; a reply, a card or a button that appears above the text
 * box would push it out of view while the customer types, and the browser brings the caret back only at the
 * next key. Whenever a part of the panel appears, goes or changes size, the panel (never the page) scrolls by
 * the least that shows the focused control: its top edge first, then as much of it as fits.
 */
export function useFocusInView(ref: RefObject<HTMLElement | null>, active: boolean): void {
  useEffect(() => {
    const panel = ref.current;
    if (!active || !panel || typeof ResizeObserver === 'undefined') return;
    const keep = () => {
      const focused = (panel.getRootNode() as Document | ShadowRoot).activeElement;
      if (!focused || focused === panel || !panel.contains(focused) || panel.scrollHeight <= panel.clientHeight) return;
      const box = panel.getBoundingClientRect();
      const top = box.top + panel.clientTop;
      const bottom = top + panel.clientHeight;
      const r = focused.getBoundingClientRect();
      if (r.top < top) panel.scrollTop -= top - r.top;
      else if (r.bottom > bottom) panel.scrollTop += Math.min(r.bottom - bottom, r.top - top);
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
    return () => {
      sizes.disconnect();
      parts.disconnect();
    };
  }, [active]);
}
