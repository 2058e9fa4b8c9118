/**
 * POLICY W6: admins decide within 2 working days. Working days are counted in the operator's time
 * zone (a setting), on the weekdays the operator works (a setting): the deadline is the moment the
 * given number of working days' worth of time has passed since the request, not counting days off.
 */

export interface WorkingCalendar {
  /** IANA time zone of the operator, e.g. "Europe/Moscow". */
  timeZone: string;
  /** Working weekdays, 1 = Monday ... 7 = Sunday. */
  workingDays: readonly number[];
}

const QUARTER_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The weekday (1 = Monday) of an instant in a time zone. */
export function weekdayIn(ms: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short" });
    formatters.set(timeZone, format);
  }
  return WEEKDAYS[format.format(ms)] ?? 1;
}

/** Whether a time zone name is one Intl knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * When `days` working days have passed since `from`. Time is walked in quarter hours (every time
 * zone's offset is a multiple of 15 minutes, so a quarter never straddles two local days) and only
 * quarters that fall on a working day count.
 */
export function workingDeadline(from: number, days: number, calendar: WorkingCalendar): number {
  if (calendar.workingDays.length === 0) return from + days * DAY_MS;
  let left = days * DAY_MS;
  let at = from;
  // The first, partial quarter brings the walk onto quarter boundaries.
  const first = QUARTER_MS - (from % QUARTER_MS);
  if (calendar.workingDays.includes(weekdayIn(at, calendar.timeZone))) left -= first;
  at += first;
  while (left > 0) {
    if (calendar.workingDays.includes(weekdayIn(at, calendar.timeZone))) {
      if (left <= QUARTER_MS) return at + left;
      left -= QUARTER_MS;
    }
    at += QUARTER_MS;
  }
  return at + left;
}
