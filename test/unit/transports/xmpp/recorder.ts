/** A transport sink that records what the XMPP transport says: frames, states (with their error) and warnings. */
import type { InboundFrame, TransportSink, TransportState } from '../../../../src/core/transport';

export function recorder() {
  const frames: InboundFrame[] = [];
  const states: Array<[TransportState, string | undefined]> = [];
  const warnings: string[] = [];
  const sink: TransportSink = {
    frame: (frame) => frames.push(frame),
    state: (state, detail) => states.push([state, detail?.error?.message]),
    warn: (message) => warnings.push(message),
  };
  const messages = () => frames.flatMap((frame) => (frame.type === 'message' ? [frame] : []));
  return { frames, states, warnings, sink, messages };
}
