-- Priorities are now 0 personal, 1 redraws of a message already sent, 2 broadcasts: broadcast
-- messages still waiting (queued under the old 1) move to 2; redraws queued before stay at 0 and
-- simply go in their old order. Settled rows keep what they had (the sender no longer reads them).
UPDATE `outbox` SET `priority` = 2 WHERE `priority` = 1 AND `at_most_once` = 1 AND `status` IN ('pending', 'sending');
