import { describe, expect, it } from 'vitest';
import { parseSettings, settingsFromDataset } from '../../../src/embed/settings';
import { appFile } from '../../../src/embed/stages';

describe('parseSettings', () => {
  it('accepts valid settings', () => {
    expect(parseSettings({ endpoint: 'wss://chat.example.com/natter', position: 'left', color: '#0a7cff', zIndex: 10 })).toEqual({
      ok: true,
      settings: { endpoint: 'wss://chat.example.com/natter', position: 'left', color: '#0a7cff', zIndex: 10 },
    });
  });

  it.each([
    [{}, 'setting "endpoint" must be a ws:// or wss:// URL such as "wss://chat.example.com/natter", got nothing. Set it with data-endpoint'],
    [{ endpoint: 'htp://x' }, 'setting "endpoint" must be a ws:// or wss:// URL such as "wss://chat.example.com/natter", got "htp://x"'],
    [{ endpoint: 'wss://x', color: 'red; background:url(x)' }, 'setting "color" must be a hex colour such as "#0a7cff", got "red; background:url(x)". Set it with data-color'],
    [{ endpoint: 'wss://x', maxLength: 9000 }, 'setting "maxLength" must be a whole number from 1 to 4000, got 9000. Set it with data-max-length'],
    [{ endpoint: 'wss://x', teamname: 'Acme' }, 'unknown setting "teamname"'],
    [{ endpoint: 'wss://x', strings: { greting: 'Hi' } }, 'unknown text "greting" in setting "strings"'],
    [{ endpoint: 'wss://x', mode: 'video' }, 'setting "mode" must be "live", "messaging" or "auto", got "video"'],
    [{ endpoint: 'wss://x', persist: 'yes' }, 'setting "persist" must be "always", "after-consent" or "never", got "yes". Set it with data-persist'],
  ])('names the wrong setting and what it must be: %j', (input, message) => {
    const result = parseSettings(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
    expect(!result.ok && result.error).toMatch(/^Natter: /);
  });
});

describe('parseSettings at the limits of each setting', () => {
  const endpoint = 'wss://chat.example.com/natter';
  it.each([
    ['endpoint', 'ws://localhost:8080/natter', true],
    ['endpoint', 'https://chat.example.com', false],
    ['endpoint', 42, false],
    ['siteId', 'shop.eu-1_a', true],
    ['siteId', 'x'.repeat(64), true],
    ['siteId', 'x'.repeat(65), false],
    ['siteId', 'bad id!', false],
    ['teamName', 'x'.repeat(100), true],
    ['teamName', '😀'.repeat(100), true],
    ['teamName', 'x'.repeat(101), false],
    ['teamName', '', false],
    ['locale', 'de-CH', true],
    ['locale', 'de"><script>', false],
    ['position', 'left', true],
    ['position', 'top', false],
    ['color', '#0a7cff', true],
    ['color', '#0a7cf', false],
    ['zIndex', -2147483647, true],
    ['zIndex', 2147483648, false],
    ['zIndex', 1.5, false],
    ['maxLength', 4000, true],
    ['maxLength', 0, false],
    ['maxLength', NaN, false],
    ['open', false, true],
    ['open', 'yes', false],
    ['sound', true, true],
    ['mode', 'auto', true],
    ['mode', null, false],
    ['persist', 'after-consent', true],
    ['persist', 'never', true],
    ['persist', 'sometimes', false],
    ['transport', 'xmpp', true],
    ['transport', 'websocket', false],
    ['transport', 'XMPP', false],
    ['retentionDays', 30, true],
    ['retentionDays', 0, false],
    ['retentionDays', 1.5, false],
    ['userToken', 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln', true],
    ['userToken', '', false],
    ['userToken', 'x'.repeat(4097), false],
    ['strings', { greeting: 'x'.repeat(500) }, true],
    ['strings', { greeting: 'x'.repeat(501) }, false],
    ['strings', JSON.parse('{"__proto__":"x"}'), false],
    ['strings', [], false],
  ])('%s = %j: %s', (name, value, good) => {
    const result = parseSettings({ endpoint, [name]: value });
    expect(result.ok).toBe(good);
    if (!good) expect(!result.ok && result.error).toContain(`"${name}"`);
  });

  it('keeps only what it knows of prototype-polluting input', () => {
    const result = parseSettings(JSON.parse(`{"endpoint":"${endpoint}","strings":{"greeting":"Hi"}}`));
    expect(result).toStrictEqual({ ok: true, settings: { endpoint, strings: { greeting: 'Hi' } } });
    expect(parseSettings(JSON.parse(`{"endpoint":"${endpoint}","__proto__":{"open":true}}`))).toMatchObject({ ok: false, error: expect.stringContaining('unknown setting "__proto__"') });
  });
});

describe('settingsFromDataset', () => {
  it('converts numbers and booleans and skips attributes that are not ours', () => {
    expect(settingsFromDataset({ endpoint: 'wss://x', zIndex: '5', maxLength: 'lots', open: '', cfasync: 'false', teamName: 'Acme', retentionDays: '90', persist: 'never' })).toEqual({
      endpoint: 'wss://x',
      retentionDays: 90,
      persist: 'never',
      zIndex: 5,
      maxLength: 'lots',
      open: true,
      teamName: 'Acme',
    });
  });

  it('reads data-transport, and the first stage picks the XMPP second stage by it', () => {
    expect(settingsFromDataset({ endpoint: 'wss://x/xmpp-websocket', transport: 'xmpp' })).toEqual({ endpoint: 'wss://x/xmpp-websocket', transport: 'xmpp' });
    expect(appFile('de', 'xmpp')).toBe('natter-app-xmpp-de.js');
    expect(appFile('fr', 'xmpp')).toBe('natter-app-xmpp.js');
    expect(appFile('nl')).toBe('natter-app-nl.js');
  });
});
