/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { counted } from '../i18n/index.ts';
import type { Ui } from './context.ts';

const TITLE_ID = 'natter-rate';
const SUBMIT_ID = 'natter-rate-send';

/**
 * The card after a live chat ends: "How was this chat?", five stars, an optional comment and Submit; once
 * rated, a short thanks. The stars are native radio buttons under the star glyphs, so the keyboard works as
 * in any radio group (Tab reaches the group, the arrow keys move and choose) in every browser and screen
 * reader. The chosen ones are filled stars and the others outlined: shape, not only colour, says the choice
 * (forced-colours mode keeps the shape). Its Submit is named "Send, How was this chat?", apart from the
 * composer's Send.
 */
export function Rating({ ui: { client, strings, dates }, rated, onDone }: { ui: Ui; rated: boolean | undefined; onDone: () => void }) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  if (rated) return <p class="card">{strings.rateThanks}</p>;
  return (
    <form
      class="card"
      data-testid="rating"
      onSubmit={(event) => {
        event.preventDefault();
        client.rate(score, comment);
        onDone();
      }}
    >
      <p id={TITLE_ID}>{strings.rateTitle}</p>
      <div role="radiogroup" aria-labelledby={TITLE_ID}>
        {[1, 2, 3, 4, 5].map((n) => (
          <label class={n <= score ? 'star on' : 'star'}>
            <input type="radio" name="natter-score" class="sr" aria-label={counted(strings, dates.plural, 'stars', n)} onChange={() => setScore(n)} />
            {n <= score ? '★' : '☆'}
          </label>
        ))}
      </div>
      <textarea
        rows={2}
        maxLength={1000}
        aria-label={strings.rateComment}
        placeholder={strings.rateComment}
        value={comment}
        onInput={(event) => setComment(event.currentTarget.value)}
      />
      <button type="submit" id={SUBMIT_ID} aria-labelledby={`${SUBMIT_ID} ${TITLE_ID}`} class="btn main" data-testid="rating-submit" disabled={!score}>
        {strings.send}
      </button>
    </form>
  );
}
