import { vi } from 'vitest';
import { createNatter, type NatterOptions } from '../../../src/natter';
import { memoryKeyValue, type KeyValue } from '../../../src/storage/kv';
import { MemoryTransport } from '../../../src/transports/memory';
import { MemoryBackend } from '../../../src/transports/memory-backend';

/** A client on a memory backend with a shared in-memory store, as one browser profile would have. */
export function setup(options: Partial<NatterOptions> & { kv?: KeyValue; backend?: MemoryBackend } = {}) {
  const backend = options.backend ?? new MemoryBackend();
  const kv = options.kv ?? memoryKeyValue();
  const transport = new MemoryTransport(backend, 10);
  const natter = createNatter({ transport, storage: kv, ...options });
  return { backend, kv, transport, natter };
}

/** Waits until `predicate` holds, polling; fails with `what` after 2 s. */
export async function until(predicate: () => boolean, what = 'condition'): Promise<void> {
  await vi.waitFor(() => {
    if (!predicate()) throw new Error(`still waiting for ${what}`);
  }, { timeout: 2000, interval: 5 });
}
