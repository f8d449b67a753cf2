import { render } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { Linkified } from '../../../src/ui/Linkified';

function links(text: string) {
  const { container } = render(<Linkified text={text} />);
  return { container, anchors: [...container.querySelectorAll('a')] };
}

describe('Linkified', () => {
  it('links http, https and mailto addresses, opening in a new tab without access to this page', () => {
    const { container, anchors } = links('Docs: https://example.com/a?b=1#c, old: http://example.org and mailto:help@example.com');
    expect(anchors.map((a) => [a.getAttribute('href'), a.textContent])).toEqual([
      ['https://example.com/a?b=1#c', 'https://example.com/a?b=1#c'],
      ['http://example.org/', 'http://example.org'],
      ['mailto:help@example.com', 'mailto:help@example.com'],
    ]);
    for (const a of anchors) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    }
    expect(container.textContent).toBe('Docs: https://example.com/a?b=1#c, old: http://example.org and mailto:help@example.com');
  });

  it('leaves sentence punctuation and closing brackets outside the link', () => {
    const { anchors } = links('(see https://example.com/x). Also https://en.wikipedia.org/wiki/Chat_(disambiguation)!');
    expect(anchors.map((a) => a.getAttribute('href'))).toEqual([
      'https://example.com/x',
      'https://en.wikipedia.org/wiki/Chat_(disambiguation)',
    ]);
  });

  it('never links other schemes', () => {
    for (const text of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox', 'file:///etc/passwd', 'ftp://x.y']) {
      const { container, anchors } = links(text);
      expect(anchors, text).toHaveLength(0);
      expect(container.textContent).toBe(text);
    }
  });

  it('keeps markup as text', () => {
    const text = '<img src=x onerror=alert(1)><a href="javascript:alert(1)">click</a>';
    const { container, anchors } = links(text);
    expect(container.querySelector('img')).toBeNull();
    expect(anchors).toHaveLength(0);
    expect(container.textContent).toBe(text);
  });

  it('does not link a scheme glued to a word, or a mailto without an address', () => {
    expect(links('xhttps://example.com').anchors).toHaveLength(0);
    expect(links('mailto:nobody').anchors).toHaveLength(0);
    expect(links('https://').anchors).toHaveLength(0);
  });
});
