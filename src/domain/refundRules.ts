/**
 * The one place that decides whether a refund is allowed by the operator's rules (POLICY A4, W2,
 * W4). Callers may let an admin override A4 and W4 explicitly; nothing overrides a deleted account.
 */

/**
 * POLICY W4: refunds of either kind are only for events of the last month. "A month" is the
 * calendar month: an event of 15 March is refundable until 15 April at the same time (UTC); from
 * 31 March, until 30 April (the last day of a shorter month).
 */
export function refundWindowStart(now: number): number {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() - 1;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
}

/** W4: whether an event at `at` is still within the refund window at `now`. */
export function withinRefundWindow(at: number, now: number): boolean {
  return at >= refundWindowStart(now);
}

/** Why the rules refuse an admin's refund of an activation; `undefined` when they allow it. */
export type ActivationRefundObjection = "code_delivered" | "too_old";

/**
 * A4: once a code was shown, the service is delivered (no refund); W4: only events of the last
 * month. Both can be overridden by an admin who says so (the override is recorded).
 */
export function activationRefundObjection(activation: { createdAt: number }, codeDelivered: boolean, now: number): ActivationRefundObjection | undefined {
  if (codeDelivered) return "code_delivered";
  if (!withinRefundWindow(activation.createdAt, now)) return "too_old";
  return undefined;
}
