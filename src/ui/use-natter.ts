import { useLayoutEffect, useState } from 'preact/hooks';
import type { NatterClient } from '../core/client.ts';
import type { NatterState } from '../core/types.ts';

/**
 * The client's current state, re-rendering when it changes. The core replaces the state object on every
 * change, so identity tells whether anything did; Preact batches several changes into one render and
 * always renders the latest state.
 */
export function useNatterState(client: NatterClient): NatterState {
  const [state, setState] = useState(() => client.getState());
  useLayoutEffect(() => {
    const update = () => setState(client.getState());
    update(); // a change between the first render and subscribing
    return client.subscribe(update);
  }, [client]);
  return state;
}
