import { useLayoutEffect, useRef } from 'preact/hooks';
import type { NatterClient } from '../core/client.ts';
import type { Message } from '../model/types.ts';

/** Plays a short, soft chime (A5, fading out) with the Web Audio API: no sound file to download. */
function chime(audio: AudioContext): void {
  void audio.resume();
  const at = audio.currentTime;
  const tone = audio.createOscillator();
  const volume = audio.createGain();
  tone.frequency.value = 880;
  volume.gain.setValueAtTime(0.15, at);
  volume.gain.exponentialRampToValueAtTime(0.001, at + 0.45);
  tone.connect(volume).connect(audio.destination);
  tone.start();
  tone.stop(at + 0.45);
}

/**
 * The `sound` option: a chime when the team (or a bot) writes while the panel is closed or the tab is in the
 * background. Browsers let audio start only after a user gesture, so the audio context is made on the first
 * click or key press inside the widget: call the returned function from those. Without Web Audio, or with
 * the option off, nothing plays and nothing fails.
 */
export function useSound(client: NatterClient, enabled: boolean | undefined): (() => void) | undefined {
  const audio = useRef<AudioContext>(undefined);
  useLayoutEffect(() => {
    const onMessage = ({ author }: Message) => {
      const { isOpen, notifies } = client.getState();
      const away = !isOpen || document.visibilityState === 'hidden';
      // With several tabs open, only the one the customer looked at last chimes.
      if (!notifies) return;
      if (audio.current && away && (author.role === 'agent' || author.role === 'bot')) chime(audio.current);
    };
    client.on('message', onMessage);
    return () => void client.off('message', onMessage);
  }, [client]);
  if (enabled && typeof AudioContext === 'function') return () => void (audio.current ??= new AudioContext());
  return undefined;
}
