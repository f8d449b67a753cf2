import { describe, expect, it, vi } from 'vitest';
import { createNatter } from '../../../src/natter';
import { MemoryBackend } from '../../../src/transports/memory-backend';
import { MemoryTransport } from '../../../src/transports/memory';

describe('NatterClient.setVisitor', () => {
  const setup = () => {
    const backend = new MemoryBackend();
    const transport = new MemoryTransport(backend, 0);
    const open = vi.spyOn(transport, 'open');
    const client = createNatter({ transport, storage: 'memory', locale: 'de', attributes: { plan: 'free' } });
    return { backend, transport, open, client };
  };

  it('puts language, page and attributes into the hello, never opening a connection itself', async () => {
    const { open, client } = setup();
    await client.start();
    client.setVisitor({ page: { url: 'https://shop.example/cart', title: 'Cart' }, attributes: { plan: 'pro' } });
    expect(open).not.toHaveBeenCalled();
    client.open();
    await vi.waitFor(() => expect(open).toHaveBeenCalled());
    expect(open.mock.calls[0]![0]).toMatchObject({ locale: 'de', page: { url: 'https://shop.example/cart', title: 'Cart' }, attributes: { plan: 'pro' } });
  });

  it('sends a change at once while connected, only the fields given', async () => {
    const { backend, client } = setup();
    await client.start();
    client.open();
    await vi.waitFor(() => expect(client.getState().connection).toBe('open'));
    client.setVisitor({ page: { url: 'https://shop.example/shoes', title: 'Shoes' } });
    const visitorId = backend.visitorIds()[0]!;
    await vi.waitFor(() => expect(backend.received(visitorId)).toContainEqual({ type: 'visitor', page: { url: 'https://shop.example/shoes', title: 'Shoes' } }));
  });

  it('refuses wrong attributes with an invalid_input error, sending nothing', async () => {
    const { client } = setup();
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    expect(() => client.setVisitor({ attributes: { nested: {} as never } })).toThrow(/Natter.setVisitor: attributes: must be an object of up to 20 attributes/);
    expect(() => client.setVisitor({ locale: '' })).toThrow(/locale/);
    expect(errors).toEqual(['invalid_input', 'invalid_input']);
  });

  it('createNatter checks the attributes option', () => {
    const backend = new MemoryBackend();
    expect(() => createNatter({ transport: new MemoryTransport(backend, 0), attributes: { a: 'x'.repeat(201) } })).toThrow(/attributes/);
  });
});
