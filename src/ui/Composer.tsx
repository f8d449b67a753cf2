/** @jsxRuntime classic */
/** @jsx h */
import { h, type RefObject } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { counted } from '../i18n/index.ts';
import type { Ui } from './context.ts';

const LIMIT_ID = 'natter-limit';
const ERROR_ID = 'natter-send-error';

/**
 * Where the visitor writes. Enter sends, Shift+Enter starts a new line, and Enter while an input method is
 * composing (Japanese, Chinese…) only confirms the composition. A text over the length limit is never cut:
 * sending is disabled and the text below says by how much to shorten it.
 */
export function Composer({ ui: { client, strings, dates }, inputRef }: { ui: Ui; inputRef: RefObject<HTMLTextAreaElement | null> }) {
  const [text, setText] = useState('');
  const [error, setError] = useState(false);
  const max = client.maxLength;
  const left = max - text.length;
  const over = left < 0;
  const canSend = text.trim() !== '' && !over;

  // Grow with the text; the CSS max-height stops it at about six lines, after which it scrolls. While the
  // panel is hidden nothing can be measured, and the box keeps its one-line height.
  useLayoutEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.style.height = '';
    if (input.scrollHeight > input.clientHeight) {
      input.style.height = `${input.scrollHeight + input.offsetHeight - input.clientHeight}px`;
    }
  }, [text]);

  let limit: string | undefined;
  if (over) limit = counted(strings, dates.plural, 'charactersOver', -left);
  else if (left <= max / 10) limit = counted(strings, dates.plural, 'charactersLeft', left);
  const describedBy = [limit && LIMIT_ID, error && ERROR_ID].filter(Boolean).join(' ') || undefined;

  return (
    <form
      class="composer"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!canSend) return;
        setText('');
        setError(false);
        inputRef.current?.focus();
        try {
          await client.send(text);
        } catch {
          // The core has reported the details through its `error` event; the visitor gets their text back.
          setText((current) => current || text);
          setError(true);
        }
      }}
    >
      <textarea
        ref={inputRef}
        rows={1}
        aria-label={strings.composerLabel}
        placeholder={strings.composerPlaceholder}
        enterkeyhint="send"
        value={text}
        aria-invalid={over || undefined}
        aria-describedby={describedBy}
        onInput={(event) => {
          setText(event.currentTarget.value);
          setError(false);
          client.setTyping();
        }}
        onKeyDown={(event) => {
          // keyCode 229: Safari ends a composition with an Enter whose isComposing is already false.
          if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
          event.preventDefault();
          event.currentTarget.form!.requestSubmit();
        }}
      />
      <button type="submit" class="send" aria-label={strings.send} disabled={!canSend}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
        </svg>
      </button>
      {limit && (
        <p id={LIMIT_ID} class={over ? 'limit limit--over' : 'limit'}>
          {limit}
        </p>
      )}
      {error && (
        <p id={ERROR_ID} class="error" role="alert">
          {strings.failed}
        </p>
      )}
    </form>
  );
}
