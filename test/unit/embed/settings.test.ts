import { describe, expect, it } from 'vitest';
import { checkUpdate, parseSettings, settingsFromDataset } from '../../../src/embed/settings';
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
    expect(appFile('fr', 'xmpp')).toBe('natter-app-xmpp-fr.js');
    expect(appFile('ja', 'xmpp')).toBe('natter-app-xmpp.js');
    expect(appFile('nl')).toBe('natter-app-nl.js');
  });
});

describe('the settings issue 10 added', () => {
  const endpoint = 'wss://chat.example.com/natter';

  it('launcher: false, from the tag too', () => {
    expect(parseSettings({ endpoint, launcher: false })).toEqual({ ok: true, settings: { endpoint, launcher: false } });
    expect(settingsFromDataset({ launcher: 'false' } as DOMStringMap)).toEqual({ launcher: false });
    expect(parseSettings({ endpoint, launcher: 'no' })).toMatchObject({ ok: false, error: expect.stringContaining('setting "launcher" must be true or false, got "no"') });
  });

  it('attributes: at most 20, named by 1–40 characters, texts of at most 200 characters, numbers or booleans', () => {
    const attributes = { plan: 'pro', cartValue: 129.5, vip: true };
    expect(parseSettings({ endpoint, attributes })).toEqual({ ok: true, settings: { endpoint, attributes } });
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    expect(parseSettings({ endpoint, attributes: twenty }).ok).toBe(true);
    for (const wrong of [{ ...twenty, k20: 1 }, { '': 1 }, { ['x'.repeat(41)]: 1 }, { a: 'x'.repeat(201) }, { a: null }, { a: {} }, { a: Infinity }, ['a'], 'plan=pro']) {
      const result = parseSettings({ endpoint, attributes: wrong });
      expect(result.ok, JSON.stringify(wrong)).toBe(false);
      if (!result.ok) expect(result.error).toContain('setting "attributes" must be an object of up to 20 attributes');
    }
  });
});

describe('checkUpdate (Natter.update)', () => {
  const current = { endpoint: 'wss://chat.example.com/natter', color: '#112233', teamName: 'Acme' };

  it('merges valid changes into the current settings', () => {
    expect(checkUpdate(current, { color: '#445566', locale: 'fr', attributes: { plan: 'pro' } })).toEqual({
      ok: true,
      settings: { ...current, color: '#445566', locale: 'fr', attributes: { plan: 'pro' } },
    });
  });

  it('refuses a wrong value as at load, naming the setting, what it must be and what it was', () => {
    const result = checkUpdate(current, { color: 'red' });
    expect(result).toEqual({
      ok: false,
      error: 'Natter: setting "color" must be a hex colour such as "#0a7cff", got "red". Pass it to Natter.update; Natter.update changed nothing.',
    });
  });

  it('refuses an unknown setting and an unknown text', () => {
    expect(checkUpdate(current, { colour: '#fff' })).toEqual({
      ok: false,
      error: 'Natter: unknown setting "colour". Check it against the README\'s settings table; Natter.update changed nothing.',
    });
    expect(checkUpdate(current, { strings: { greting: 'Hi' } })).toMatchObject({ ok: false, error: expect.stringContaining('unknown text "greting" in setting "strings"') });
  });

  it('refuses to change what holds for the page’s life, but takes it unchanged', () => {
    expect(checkUpdate(current, { endpoint: 'wss://other.example.com/' })).toMatchObject({ ok: false, error: expect.stringContaining('setting "endpoint" cannot change at run time') });
    expect(checkUpdate(current, { persist: 'never' })).toMatchObject({ ok: false, error: expect.stringContaining('setting "persist" cannot change') });
    expect(checkUpdate(current, { endpoint: current.endpoint, teamName: 'B' })).toMatchObject({ ok: true });
  });

  it('refuses what is not an object', () => {
    for (const wrong of [null, 'red', ['color'], undefined]) expect(checkUpdate(current, wrong)).toMatchObject({ ok: false, error: expect.stringContaining('Natter.update takes an object') });
  });
});
