/** @jsxRuntime classic */
/** @jsx h */
import { h, type RefObject } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { counted } from '../i18n/index.ts';
import type { NatterState } from '../core/types.ts';
import { loadFilesUi } from './files-ui.ts';
import type { Ui } from './context.ts';

const LIMIT_ID = 'natter-limit';
const ERROR_ID = 'natter-send-error';

/**
 * Where the visitor writes. Enter sends, Shift+Enter starts a new line, and Enter while an input method is
 * composing (Japanese, Chinese…) only confirms the composition. A text over the length limit is never cut:
 * sending is disabled and the text below says by how much to shorten it.
 */
export function Composer({ ui: { client, strings, dates }, inputRef, files }: { ui: Ui; inputRef: RefObject<HTMLTextAreaElement | null>; files: NatterState['files'] }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<boolean | string>(false);
  // Copied at once: an input's FileList empties when it is reset, before the files part may have loaded.
  const send = (list: FileList | null | undefined, picked = [...(list ?? [])]) =>
    picked.length &&
    loadFilesUi().then(
      (files) => setError(files.attach(client, strings, picked) || false),
      // The files part could not be loaded (the network): nothing was sent, and the customer is told.
      () => setError(true),
    );
  const max = client.maxLength;
  const left = max - text.length;
  const over = left < 0;
  const canSend = text.trim() !== '' && !over;

  // Grow with the text; the CSS max-height stops it at about six lines, after which it scrolls. While the
  // panel is hidden nothing can be measured, and the box keeps its one-line height. Where the panel scrolls
  // (a short screen, high zoom), the grown box stays in view.
  useLayoutEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.style.height = '';
    if (input.scrollHeight > input.clientHeight) {
      input.style.height = `${input.scrollHeight + input.offsetHeight - input.clientHeight}px`;
      input.scrollIntoView({ block: 'nearest' });
    }
  }, [text]);

  let limit: string | undefined;
  if (over) limit = counted(strings, dates.plural, 'charactersOver', -left);
  else if (left <= max / 10) limit = counted(strings, dates.plural, 'charactersLeft', left);
  const describedBy = [limit && LIMIT_ID, error && ERROR_ID].filter(Boolean).join(' ') || undefined;

  return (
    <form
      class={files ? 'composer files' : 'composer'}
      // Files dropped on the composer are sent; a page's own drop handling is not reached.
      onDragOver={(event) => event.preventDefault()}
      onDrop={(event) => {
        event.preventDefault();
        send(event.dataTransfer?.files);
      }}
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
        onPaste={(event) => send(event.clipboardData?.files)}
        onKeyDown={(event) => {
          // keyCode 229: Safari ends a composition with an Enter whose isComposing is already false.
          if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
          event.preventDefault();
          event.currentTarget.form!.requestSubmit();
        }}
      />
      {files && (
        <label class="attach" title={strings.attach}>
          <input type="file" class="sr" multiple accept={files.types.join()} aria-label={strings.attach} onChange={(event) => (send(event.currentTarget.files), (event.currentTarget.value = ''))} />
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path fill="none" stroke="currentColor" stroke-width="2" d="m20 11-8 8a5 5 0 0 1-7-7l8-8a3.5 3.5 0 0 1 5 5l-8 8a2 2 0 0 1-3-3l7-7" />
          </svg>
        </label>
      )}
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
          {error === true ? strings.failed : error}
        </p>
      )}
    </form>
  );
}
