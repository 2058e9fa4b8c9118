import { BotComposer } from "../composer.ts";
import type { BotContext } from "../context.ts";

/**
 * Telegram tells the bot when a user blocks it ("kicked") or starts it again ("member"). The
 * account remembers it, so that broadcasts skip users who cannot receive them.
 */
export const membershipFeature = new BotComposer<BotContext>();

membershipFeature.on("my_chat_member", (ctx) => {
  const update = ctx.myChatMember;
  if (update.chat.type !== "private") return;
  const status = update.new_chat_member.status;
  if (status === "kicked") ctx.deps.accounts.setBotBlocked(update.from.id, ctx.deps.clock());
  else if (status === "member") ctx.deps.accounts.setBotBlocked(update.from.id, null);
});
