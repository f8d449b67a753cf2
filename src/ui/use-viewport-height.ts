import type { RefObject } from 'preact';
import { useLayoutEffect } from 'preact/hooks';

/**
 * Keeps the full-screen panel (phones) inside the part of the screen the on-screen keyboard leaves free.
 * iOS Safari does not shrink `100dvh` when the keyboard opens, so the composer would end up under it; the
 * visual viewport knows the real height. The CSS uses these properties only on narrow screens, and they are
 * dropped while the page is pinch-zoomed, where the visual viewport is not the keyboard's doing.
 */
export function useViewportHeight(ref: RefObject<HTMLElement | null>, active: boolean): void {
  useLayoutEffect(() => {
    const panel = ref.current;
    const viewport = window.visualViewport; // effects run only in a browser
    if (!active || !panel || !viewport) return;
    const update = () => {
      if (Math.abs(viewport.scale - 1) > 0.01) {
        panel.style.removeProperty('--natter-vh');
        panel.style.removeProperty('--natter-vt');
        return;
      }
      panel.style.setProperty('--natter-vh', `${viewport.height}px`);
      panel.style.setProperty('--natter-vt', `${viewport.offsetTop}px`);
    };
    update();
    viewport.addEventListener('resize', update);
    viewport.addEventListener('scroll', update);
    return () => {
      viewport.removeEventListener('resize', update);
      viewport.removeEventListener('scroll', update);
    };
  }, [active]);
}
