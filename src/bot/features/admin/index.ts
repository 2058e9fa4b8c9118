import { BotComposer } from "../../composer.ts";
import type { BotContext } from "../../context.ts";
import { isAdmin } from "../../middleware.ts";
import { actionCommands } from "./actions.ts";
import { rentalAdminCommands } from "./rentals.ts";
import { reportCommands } from "./reports.ts";
import { refundAdminCommands } from "../refunds/admin.ts";
import { supportAdminFeature } from "../support.ts";

/**
 * The admins' slash commands: refunds, credits and debits, blocks, look-ups, statistics, the
 * ledger check and the audit trail. Only Telegram ids in ADMIN_IDS reach them, checked on every
 * update (the command menu only decides what a chat sees); for anyone else the commands do not
 * exist (the update passes on and gets the usual "I did not understand").
 */
export const adminFeature = new BotComposer<BotContext>();
adminFeature.filter(isAdmin).use(actionCommands, reportCommands, rentalAdminCommands, refundAdminCommands, supportAdminFeature);

