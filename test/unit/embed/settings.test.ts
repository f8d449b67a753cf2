import { describe, expect, it } from 'vitest';
import { parseSettings, settingsFromDataset } from '../../../src/embed/settings';

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
  ])('names the wrong setting and what it must be: %j', (input, message) => {
    const result = parseSettings(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
    expect(!result.ok && result.error).toMatch(/^Natter: /);
  });
});

describe('settingsFromDataset', () => {
  it('converts numbers and booleans and skips attributes that are not ours', () => {
    expect(settingsFromDataset({ endpoint: 'wss://x', zIndex: '5', maxLength: 'lots', open: '', cfasync: 'false', teamName: 'Acme' })).toEqual({
      endpoint: 'wss://x',
      zIndex: 5,
      maxLength: 'lots',
      open: true,
      teamName: 'Acme',
    });
  });
});
