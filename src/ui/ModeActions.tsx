import type { NatterState } from '../core/types.ts';
import { useUi } from './context.ts';

/**
 * The buttons above the text box that move between messaging and live chat: "Chat live with us" while live
 * chat is offered, then "Leave queue" and "End chat" in the same place (so keyboard focus stays on it), and
 * "Talk to a person" after a bot has answered, until the conversation is handed over.
 */
export function ModeActions({ state }: { state: NatterState }) {
  const { client, strings } = useUi();
  const { phase } = state.mode;
  const inLive = phase === 'queued' || phase === 'live';
  const offered = inLive || state.offeredMode === 'live';
  const bot =
    phase === 'messaging' && state.messages.findLast((m) => m.author.role === 'bot' || m.event?.kind === 'handoff')?.author.role === 'bot';
  if (!offered && !bot) return null;
  return (
    <div class="actions">
      {offered && (
        <button
          type="button"
          class={inLive ? 'btn' : 'btn main'}
          data-testid={inLive ? 'end-live' : 'start-live'}
          onClick={() => (inLive ? client.endLive() : void client.startLive())}
        >
          {phase === 'queued' ? strings.leaveQueue : inLive ? strings.endLive : strings.startLive}
        </button>
      )}
      {bot && (
        <button type="button" class="btn" data-testid="handoff" onClick={() => void client.handoff()}>
          {strings.handoff}
        </button>
      )}
    </div>
  );
}
