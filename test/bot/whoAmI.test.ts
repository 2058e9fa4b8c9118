import { GrammyError, HttpError } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { whoAmI } from "../../src/bot/whoAmI.ts";

/* Start-up asks Telegram who the bot is, patiently but not for ever, and says so in the log. */

const me: UserFromGetMe = {
  id: 42,
  is_bot: true,
  first_name: "Shop",
  username: "shop_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

const unreachable = () => new HttpError("Network request for 'getMe' failed!", new Error("connect ECONNREFUSED 127.0.0.1:9"));

describe("asking Telegram who the bot is at start-up", () => {
  it("asks again after a network failure, logging each failure and the pause, doubling the pause", async () => {
    const { logger, lines } = recordingLogger();
    const failures = [unreachable(), unreachable()];
    const pauses: number[] = [];
    const api = { getMe: () => (failures.length > 0 ? Promise.reject(failures.shift()) : Promise.resolve(me)) };
    const info = await whoAmI(api, logger, { attempts: 5, firstDelayMs: 100 }, async (ms) => void pauses.push(ms));
    expect(info.username).toBe("shop_bot");
    expect(pauses).toEqual([100, 200]);
    expect(lines.filter((l) => l["msg"] === "Telegram's Bot API cannot be reached; asking again").map((l) => l["attempt"])).toEqual([1, 2]);
  });

  it("gives up after the last attempt with a message naming the network and BOT_API_ROOT", async () => {
    const { logger } = recordingLogger();
    let calls = 0;
    const api = { getMe: () => (calls++, Promise.reject(unreachable())) };
    await expect(whoAmI(api, logger, { attempts: 3, firstDelayMs: 1 }, async () => {})).rejects.toThrow(/could not be reached after 3 attempts.*BOT_API_ROOT/);
    expect(calls).toBe(3);
  });

  it("a refused token (401) is final at once: no retry, a message naming BOT_TOKEN", async () => {
    const { logger } = recordingLogger();
    let calls = 0;
    const refused = new GrammyError("Call to 'getMe' failed!", { ok: false, error_code: 401, description: "Unauthorized" }, "getMe", {});
    const api = { getMe: () => (calls++, Promise.reject(refused)) };
    await expect(whoAmI(api, logger, { attempts: 5, firstDelayMs: 1 }, async () => {})).rejects.toThrow(/BOT_TOKEN/);
    expect(calls).toBe(1);
  });
});
