/**
 * A proactive invitation in the widget: a team bubble at the end of the conversation, a badge on the launcher
 * until the panel has shown it, and above the customer's answer once they answer.
 */
import { fireEvent } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { mountTestWidget, openConnected, until, waitFor } from './helpers';

describe('an invitation', () => {
  it('badges the closed launcher as one unread message until the panel has shown it', async () => {
    const t = await mountTestWidget();
    t.client.invite('Need help choosing a size?');
    await until(() => t.launcher().getAttribute('aria-label') === 'Open chat, 1 unread message', 'the badge');
    expect(t.widget.root.querySelector('[data-testid="unread"]')?.textContent).toBe('1');
    fireEvent.click(t.launcher());
    await until(() => !t.widget.root.querySelector('.panel')!.hasAttribute('hidden'), 'the panel to show');
    const bubble = await waitFor(() => t.widget.root.querySelector('[data-testid="invitation"]'), 'the invitation');
    expect(bubble.textContent).toBe('Need help choosing a size?');
    // It replaces the greeting, as the newest thing in the conversation's log.
    expect(t.widget.root.querySelector('.greeting')).toBeNull();
    expect(bubble.closest('[role="log"]')).not.toBeNull();
    fireEvent.click(t.launcher());
    await until(() => t.widget.root.querySelector('.panel')!.hasAttribute('hidden'), 'the panel to close');
    expect(t.launcher().getAttribute('aria-label')).toBe('Open chat');
    expect(t.widget.root.querySelector('[data-testid="unread"]')).toBeNull();
  });

  it('stays above the answer once the customer answers, and only there', async () => {
    const t = await openConnected();
    t.client.invite('Need help choosing a size?');
    t.send('Yes please');
    await until(() => t.messages().length === 1);
    const log = t.widget.root.querySelector('[role="log"]')!;
    expect([...log.querySelectorAll('[data-testid="invitation"], [data-testid="message"]')].map((node) => node.textContent?.includes('Need help') ? 'invitation' : 'answer')).toEqual(['invitation', 'answer']);
    t.send('Boots');
    await until(() => t.messages().length === 2);
    expect(log.querySelectorAll('[data-testid="invitation"]')).toHaveLength(1);
  });
});
