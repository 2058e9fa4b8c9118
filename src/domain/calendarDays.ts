/**
 * Days as a person in a time zone lives them: /stats cuts its periods and its chart at midnight in
 * the admin's own zone (the Settings one), so "today" starts when the admin's day does.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(timeZone, format);
  }
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of format.formatToParts(ms)) {
    if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
  }
  return out;
}

/** The zone's offset from UTC at an instant, in ms (Moscow: +3 h). */
function offsetAt(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (ms % 1000 + 1000) % 1000);
}

/** The instant the local day holding `ms` began in `timeZone` (a DST change during the night is allowed for). */
export function startOfDayIn(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const midnightAsUtc = Date.UTC(p.year, p.month - 1, p.day);
  // The offset at midnight may differ from the offset now: guess, then correct once.
  let start = midnightAsUtc - offsetAt(ms, timeZone);
  start = midnightAsUtc - offsetAt(start, timeZone);
  return start > ms ? startOfDayIn(start - 1, timeZone) : start;
}

/** The starts of the last `count` local days, oldest first; the last one is today's. */
export function lastDayStarts(now: number, timeZone: string, count: number): number[] {
  const starts = [startOfDayIn(now, timeZone)];
  while (starts.length < count) starts.unshift(startOfDayIn((starts[0] ?? now) - 1, timeZone));
  return starts;
}
