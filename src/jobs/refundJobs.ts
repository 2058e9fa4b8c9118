import type { RefundRequests } from "../domain/refundRequests.ts";
import type { Job } from "./scheduler.ts";

/**
 * Every minute and at start-up: refund requests left `approving` (Telegram's answer lost, the
 * process killed) are asked again and settled exactly once; then the admins are reminded of
 * requests whose 2-working-day deadline nears or has passed (W6).
 */
export function refundRequestsJob(refundRequests: RefundRequests): Job {
  return {
    name: "refund-requests",
    schedule: "0 * * * * *",
    runAtStart: true,
    run: async () => {
      const settled = await refundRequests.settlePending();
      const reminders = refundRequests.remindDeadlines();
      return { settled, reminders };
    },
  };
}
