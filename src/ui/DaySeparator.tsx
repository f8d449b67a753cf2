import { useUi } from './context.ts';

/** "Today", "Yesterday" or the date, above the first message of each day. */
export function DaySeparator({ at }: { at: number }) {
  const { dates } = useUi();
  return (
    <div class="day">
      <span>{dates.day(at)}</span>
    </div>
  );
}
