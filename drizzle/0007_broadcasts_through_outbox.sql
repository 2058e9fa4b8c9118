-- Broadcast deliveries move into the outbox: one row per recipient, at most once, bulk priority.
-- Deliveries claimed but unsettled (in flight during a crash) are written off, as before;
-- recipients skipped at send time (failed without an attempt) become 'dropped'.
INSERT INTO `outbox` (`chat_id`, `user_id`, `kind`, `payload`, `dedupe_key`, `priority`, `at_most_once`, `status`, `attempts`, `next_attempt_at`, `ref`, `created_at`, `settled_at`)
SELECT u.`telegram_id`, d.`user_id`, 'broadcast', json_object('broadcastId', d.`broadcast_id`), 'broadcast:' || d.`broadcast_id` || ':' || d.`user_id`, 1, 1,
  CASE WHEN d.`status` = 'pending' AND d.`attempts` > 0 THEN 'failed' WHEN d.`status` = 'failed' AND d.`attempts` = 0 THEN 'dropped' ELSE d.`status` END,
  d.`attempts`, b.`created_at`, 'broadcast:' || d.`broadcast_id`, b.`created_at`,
  CASE WHEN d.`status` = 'pending' AND d.`attempts` = 0 THEN NULL ELSE coalesce(d.`updated_at`, b.`created_at`) END
FROM `broadcast_deliveries` d
JOIN `users` u ON u.`id` = d.`user_id`
JOIN `broadcasts` b ON b.`id` = d.`broadcast_id`;
--> statement-breakpoint
DROP TABLE `broadcast_deliveries`;
