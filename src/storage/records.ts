/**
 * What Natter writes to the browser's storage. Every record carries `v`, its format version, so that a
 * later release migrates old records instead of misreading them, and an older release (another tab still
 * running it) skips what it cannot read instead of overwriting it.
 *
 * - Format 1 (Natter 0.1): messages under `['visitor', id, 'message', key]`, read state by server clock.
 * - Format 2: items the server placed under `['visitor', id, 'item', order]` (key order is the server's
 *   order, so the newest page is one bounded read), the others under `['visitor', id, 'out', key]`; read
 *   state and unread count by order. `['current']` keeps its format-1 shape, which both formats read.
 * - Format 3: a message with a file (`file`, its bytes kept as a Blob until uploaded), otherwise format 2.
 *   Only such messages are written as 3: a tab of an older release skips them (and leaves them alone)
 *   instead of rewriting them without their file, which would send the file's name as a text.
 * @module
 */
import { arr, bool, is, nullable, num, obj, oneOf, opt, schema, str, type Infer } from '../model/check.ts';
import { author, systemEvent, user } from '../model/schemas.ts';

/** The format version this release writes. */
export const RECORD_VERSION = 2;

/** Checked first in every record, so a record from a newer release is reported as such. */
const versionOf = (...accepted: number[]) =>
  is<number>((v) => accepted.includes(v as number), `must be format ${accepted.join(' or ')} (a newer Natter may have written it)`);
/** A time a `Date` can hold (ms since the epoch). */
const time = num(0, 8.64e15);
const text = str();

const messageFields = {
  key: text,
  clientId: opt(text),
  id: opt(text),
  author,
  text,
  createdAt: time,
  sentAt: opt(time),
  status: oneOf(['sending', 'sent', 'failed']),
  error: opt(text),
  rejected: opt(bool),
  quickReplies: opt(arr(text)),
  event: opt(systemEvent),
  context: opt(text),
  file: opt(
    obj({
      name: text,
      size: num(0),
      type: text,
      url: opt(text),
      // By its face, not `instanceof`: a Blob read back from storage may come from another realm (a test's Node).
      blob: opt(is<Blob>((v) => typeof (v as Blob | null)?.slice == 'function', 'must be a Blob')),
    }),
  ),
};

/** The format of a message with a file (see the module documentation). */
export const FILE_RECORD_VERSION = 3;

/** One message of the timeline, format 2 (or 3, with a file). */
export const messageRecord = schema(
  obj({
    v: versionOf(2, 3),
    ...messageFields,
    order: opt(text),
    local: opt(num()),
    unreadable: opt(bool),
  }),
);

/** One message, format 1 (migrated at load). */
export const messageRecordV1 = schema(obj({ v: versionOf(1), ...messageFields }));

const modeRecord = obj({
  phase: oneOf(['messaging', 'queued', 'live', 'ended']),
  session: opt(
    obj({
      id: text,
      agent: opt(author),
      position: opt(num()),
      waitSeconds: opt(num()),
      endedBy: opt(oneOf(['agent', 'visitor', 'timeout'])),
      rated: opt(bool),
    }),
  ),
});

const meta = obj({
  v: versionOf(1, 2),
  visitorId: text,
  /** The transport's sync cursor after the newest stored item. */
  cursor: nullable(text),
  readOrder: opt(text),
  unread: opt(num(0)),
  localSeq: opt(num()),
  /** Format 1: server time of the newest message the customer has seen. */
  lastReadAt: opt(time),
  user: opt(user),
  createdAt: time,
  /** Added within format 2: older format-2 records have none (and an older tab drops it when it rewrites the meta). */
  lastActiveAt: opt(time),
  mode: opt(modeRecord),
  /** Added within format 2, like `lastActiveAt`. */
  teamName: opt(str(0, 200)),
});

/** Facts about one visitor's conversation, format 1 or 2 (format 1 has `lastReadAt` instead of `readOrder`/`unread`). */
export const metaRecord = schema(meta);

/** Which visitor this browser is, for this site (the same shape in formats 1 and 2). */
export const currentRecord = schema(obj({ v: versionOf(1, 2), visitorId: text }));

export type MetaRecord = Infer<typeof meta>;
