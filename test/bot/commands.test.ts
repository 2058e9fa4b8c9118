import { Api } from "grammy";
import { describe, expect, it } from "vitest";
import { registerCommands } from "../../src/bot/commands.ts";
import { createI18n } from "../../src/bot/i18n.ts";

interface Menu {
  scope: string;
  language: string;
  commands: { command: string; description: string }[];
}

/** An Api that keeps every menu it is given instead of calling Telegram; chats in `unreachable` answer "chat not found". */
function recordingApi(unreachable: number[] = []) {
  const menus: Menu[] = [];
  const api = new Api("123:TEST");
  api.config.use(async (_prev, method, payload) => {
    if (method !== "setMyCommands") throw new Error(`unexpected ${method}`);
    const { scope, language_code, commands } = payload as { scope?: { type: string; chat_id?: number }; language_code?: string; commands: Menu["commands"] };
    if (scope?.chat_id !== undefined && unreachable.includes(scope.chat_id)) {
      return { ok: false, error_code: 400, description: "Bad Request: chat not found" } as never;
    }
    menus.push({ scope: scope?.chat_id !== undefined ? `chat:${scope.chat_id}` : (scope?.type ?? "default"), language: language_code ?? "default", commands });
    return { ok: true, result: true } as never;
  });
  const menu = (scope: string, language: string) => menus.find((m) => m.scope === scope && m.language === language)?.commands ?? [];
  return { api, menus, menu };
}

describe("command menus", () => {
  it("everyone sees the user commands in English and Russian; an admin also sees the admin commands, in their own chat only", async () => {
    const { api, menu, menus } = recordingApi();
    expect(await registerCommands(api, createI18n(), [900_001])).toEqual([]);
    expect(menus.map((m) => `${m.scope}/${m.language}`).sort()).toEqual(["chat:900001/default", "chat:900001/en", "chat:900001/ru", "default/default", "default/en", "default/ru"]);

    const everyone = menu("default", "default");
    expect(everyone.map((c) => c.command)).toContain("buy");
    expect(everyone.map((c) => c.command)).not.toContain("refund");
    expect(menu("default", "en")).toEqual(everyone);
    expect(menu("default", "ru").find((c) => c.command === "buy")?.description).toBe("Купить номер");
    expect(menu("default", "ru").map((c) => c.command)).not.toContain("refund");

    const admin = menu("chat:900001", "default").map((c) => c.command);
    expect(admin).toEqual(expect.arrayContaining(["buy", "topup", "refund", "credit", "debit", "block", "unblock", "user", "order", "stats", "broadcast", "ledger", "audit"]));
    expect(menu("chat:900001", "en").map((c) => c.command)).toEqual(admin);
    expect(menu("chat:900001", "ru").find((c) => c.command === "refund")?.description).toBe("Вернуть деньги за активацию");
  });

  it("an admin who never opened the chat is logged and skipped; the others still get their menu", async () => {
    const { api, menu } = recordingApi([424_242]);
    const warnings: unknown[] = [];
    const failed = await registerCommands(api, createI18n(), [424_242, 900_002], { warn: (details: unknown) => warnings.push(details) });
    expect(failed).toEqual([424_242]);
    expect(warnings).toMatchObject([{ admin: 424_242 }]);
    expect(menu("chat:900002", "default").map((c) => c.command)).toContain("audit");
    expect(menu("default", "default").map((c) => c.command)).toContain("buy");
  });
});
