/**
 * The browser's copy of the server → client frames of `wire.ts`, made with the small kit of
 * `src/model/check.ts` so the drop-in script carries no zod. `wire.ts` is the law:
 * `test/unit/protocol/agreement.test.ts` runs both on one corpus of good and bad frames and requires the
 * same verdict and the same accepted value for each. Change both together.
 * @module
 */
import { arr, bool, int, nullable, num, obj, oneOf, opt, str } from '../model/check.ts';
import { author, id, systemEvent } from '../model/schemas.ts';
import { MAX_TEXT_LENGTH, MAX_TIME } from './constants.ts';

const seq = int(0);
const time = num(0, MAX_TIME);
const endedBy = opt(oneOf(['agent', 'visitor', 'timeout']));
const mode = nullable(oneOf(['live', 'messaging']));

/** A live chat session (`wireSession`). */
export const session = obj({
  id,
  state: oneOf(['queued', 'live', 'ended']),
  position: opt(int(1)),
  waitSeconds: opt(int(0)),
  agent: opt(author),
  endedBy,
  rated: opt(bool),
});

/** Who is there to answer, and when (`wireAvailability`). */
export const availability = obj({
  agents: bool,
  open: bool,
  replyMinutes: opt(int(0)),
  awayMessage: opt(str(0, 500)),
  nextOpenAt: opt(time),
});

const url = str(0, 2000, /^https?:\/\//, 'must be an http(s) URL');
const mediaType = str(0, 100);

/** A file attached to an item (`wireFile`). */
export const file = obj({ name: str(1, 255), size: int(1), type: mediaType, url });

/** A timeline item (`wireItem`). */
export const item = obj({
  id,
  seq: int(1),
  clientId: opt(id),
  author,
  text: str(1, MAX_TEXT_LENGTH),
  sentAt: time,
  quickReplies: opt(arr(str(1, 60), 5)),
  event: opt(systemEvent),
  file: opt(file),
});

/** The validator of each server frame, by its `type` (`serverFrames` in `wire.ts`). */
export const serverFrames = {
  welcome: obj({
    type: oneOf(['welcome']),
    v: int(),
    conversationId: id,
    seq,
    team: opt(obj({ name: opt(str(0, 200)) })),
    available: opt(bool),
    availability: opt(availability),
    mode: opt(mode),
    session: opt(nullable(session)),
    files: opt(obj({ maxBytes: int(1), types: arr(mediaType, 50) })),
  }),
  item: obj({ type: oneOf(['item']), item }),
  ack: obj({ type: oneOf(['ack']), clientId: id, id, seq: int(1), sentAt: time }),
  synced: obj({ type: oneOf(['synced']), seq }),
  availability: obj({ type: oneOf(['availability']), availability }),
  mode: obj({ type: oneOf(['mode']), mode }),
  session: obj({ type: oneOf(['session']), session }),
  typing: obj({ type: oneOf(['typing']), typing: bool, author }),
  slot: obj({ type: oneOf(['slot']), clientId: id, put: opt(url), get: url }),
  error: obj({
    type: oneOf(['error']),
    code: oneOf(['unsupported_version', 'invalid_frame', 'not_ready', 'too_long', 'rate_limited', 'invalid_transition', 'unverified', 'file_refused', 'internal']),
    message: str(),
    clientId: opt(id),
  }),
};
