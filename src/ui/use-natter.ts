import { useLayoutEffect, useState } from 'preact/hooks';
import type { NatterClient } from '../core/client.ts';
import type { NatterState } from '../core/types.ts';

/**
 * The client's current state, re-rendering when it changes. The core replaces the state object on every
 * change, so identity tells whether anything did. Changes are rendered at most once a frame: a burst of 500
 * incoming messages (each its own WebSocket task) is a few renders, not 500. In a hidden tab, where
 * animation frames stop, a short timer renders instead (the title notice depends on it).
 */
export function useNatterState(client: NatterClient): NatterState {
  const [state, setState] = useState(() => client.getState());
  useLayoutEffect(() => {
    let scheduled = false;
    const render = () => {
      scheduled = false;
      setState(client.getState());
    };
    const update = () => {
      if (scheduled) return;
      scheduled = true;
      if (document.visibilityState === 'hidden' || typeof requestAnimationFrame !== 'function') setTimeout(render, 50);
      else requestAnimationFrame(render);
    };
    render(); // a change between the first render and subscribing
    const unsubscribe = client.subscribe(update);
    return () => {
      unsubscribe();
      scheduled = true; // a frame still to come renders nothing after unmount
    };
  }, [client]);
  return state;
}
