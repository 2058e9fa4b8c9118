import { Composer, Context, type MiddlewareFn } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { describe, expect, it } from "vitest";
import { BotComposer } from "../../src/bot/composer.ts";

const me = { id: 1, is_bot: true, first_name: "Bot", username: "bot" } as UserFromGetMe;

function contextFor(update: Partial<Update>): Context {
  return new Context({ update_id: 1, ...update } as Update, {} as never, me);
}

const message = (text: string) => contextFor({ message: { message_id: 1, date: 0, chat: { id: 7, type: "private", first_name: "A" }, from: { id: 7, is_bot: false, first_name: "A" }, text } });
const press = (data: string) => contextFor({ callback_query: { id: "1", chat_instance: "1", from: { id: 7, is_bot: false, first_name: "A" }, data } });

/** The same middleware tree on grammY's Composer and on BotComposer; what ran, in order. */
function tree(make: () => Composer<Context>): (ctx: Context) => Promise<string[]> {
  return async (ctx) => {
    const log: string[] = [];
    const root = make();
    const step =
      (name: string): MiddlewareFn<Context> =>
      async (_ctx, next) => {
        log.push(`${name}>`);
        await next();
        log.push(`<${name}`);
      };
    root.use(step("a"));
    const feature = make();
    feature.command("start", (c) => void log.push(`start ${c.match}`));
    feature.callbackQuery(/^x:(\d)$/, (c) => void log.push(`x ${c.match[1]}`));
    feature.filter(async (c) => c.callbackQuery?.data === "slow", step("slow")).use(() => void log.push("slow handler"));
    feature.on("message:text", step("text"));
    feature.drop((c) => c.has("message"), () => void log.push("not a message"));
    root.use(feature);
    root.errorBoundary(() => void log.push("caught"), (c) => {
      if (c.message?.text === "boom") throw new Error("boom");
      return undefined;
    });
    root.use(step("b"), () => void log.push("end"));
    await root.middleware()(ctx, async () => void log.push("next of root"));
    return log;
  };
}

describe("BotComposer: grammY's routing, without grammY's per-handler garbage (issue 15)", () => {
  const grammy = tree(() => new Composer<Context>());
  const ours = tree(() => new BotComposer<Context>());

  it("runs the same middleware, in the same order and nesting, as grammY's Composer for every kind of update", async () => {
    for (const make of [() => message("/start hello"), () => message("plain"), () => message("boom"), () => press("x:4"), () => press("slow"), () => press("other")]) {
      const expected = await grammy(make());
      expect(await ours(make())).toEqual(expected);
      expect(expected.length).toBeGreaterThan(1);
    }
  });

  it("a handler that calls next twice gets an error, as with grammY", async () => {
    const composer = new BotComposer<Context>();
    composer.use(async (_ctx, next) => {
      await next();
      await next();
    });
    await expect(composer.middleware()(message("x"), async () => undefined)).rejects.toThrow("`next` already called before!");
  });

  it("middleware given to the constructor runs first", async () => {
    const log: string[] = [];
    const composer = new BotComposer<Context>((_ctx, next) => {
      log.push("first");
      return next();
    });
    composer.use(() => void log.push("second"));
    await composer.middleware()(message("x"), async () => undefined);
    expect(log).toEqual(["first", "second"]);
  });
});
