import { BotComposer } from "../composer.ts";
import type { BotContext, FlowContext } from "../context.ts";
import { acknowledge } from "../respond.ts";
import { requireTerms } from "./start.ts";

/**
 * Menu entries whose feature is not built yet answer politely instead of failing. Each real
 * feature, when it lands, registers its own handlers before this composer and removes its entry here.
 */
export const comingSoonFeature = new BotComposer<BotContext>();

// Renting landed (features/rent/); nothing is waiting at the moment.
const ENTRIES: ReadonlyArray<{ command: string; data: string; label: string; needsTerms: boolean }> = [];

async function notYet(ctx: FlowContext, label: string, needsTerms: boolean): Promise<void> {
  if (needsTerms && !(await requireTerms(ctx))) return;
  const text = ctx.t("coming-soon", { feature: ctx.t(label) });
  if (ctx.callbackQuery) await acknowledge(ctx, text, true);
  else await ctx.reply(text);
}

for (const entry of ENTRIES) {
  comingSoonFeature.command(entry.command, (ctx) => notYet(ctx, entry.label, entry.needsTerms));
  comingSoonFeature.callbackQuery(entry.data, (ctx) => notYet(ctx, entry.label, entry.needsTerms));
}
