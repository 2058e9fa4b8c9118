// Each layering rule in .dependency-cruiser.mjs is shown to fire on a tiny source tree made for it.
// The real src/ is checked by `npm run deps`, not here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

type Violation = { rule: string; from: string; to: string; cycle?: string[] };
type Tree = Record<string, string>;

let trees: string;
beforeAll(() => {
  trees = mkdtempSync(join(tmpdir(), "layering-"));
});
afterAll(() => {
  rmSync(trees, { recursive: true, force: true });
});

/** Lays out `files` (paths from a repository root) in a fresh folder and cruises its src/ with the project's rules. */
async function violationsIn(files: Tree): Promise<Violation[]> {
  const base = mkdtempSync(join(trees, "repo-"));
  // A stand-in for the installed packages, so that package imports resolve as they do in the project.
  const packages: Tree = {
    "node_modules/grammy/package.json": `{ "name": "grammy", "main": "mod.js", "types": "mod.d.ts" }`,
    "node_modules/grammy/mod.js": "export class Context {}\n",
    "node_modules/grammy/mod.d.ts": "export declare class Context {}\n",
    "node_modules/@grammyjs/conversations/package.json": `{ "name": "@grammyjs/conversations", "main": "mod.js" }`,
    "node_modules/@grammyjs/conversations/mod.js": "export function conversations() {}\n",
  };
  for (const [path, text] of Object.entries({ ...packages, ...files })) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), text);
  }
  const options = await extractDepcruiseOptions(join(root, ".dependency-cruiser.mjs"));
  const { output } = await cruise(
    ["src"],
    { ...options, baseDir: base },
    {},
    { tsConfig: extractTSConfig(join(root, "tsconfig.json")) },
  );
  const result = output as ICruiseResult;
  return result.summary.violations
    .map((v) => ({ rule: v.rule.name, from: v.from, to: v.to, cycle: v.cycle?.map((step) => step.name) }))
    .sort((a, b) => `${a.rule} ${a.from}`.localeCompare(`${b.rule} ${b.from}`));
}

const exporting = (name: string) => `export const ${name} = 1;\n`;

describe("layering rules", () => {
  it.each(["bot", "jobs", "providers", "payments"])("domain/ importing %s/ breaks domain-not-to-outer-layers", async (layer) => {
    const violations = await violationsIn({
      "src/domain/x.ts": `import { y } from "../${layer}/y.ts";\nexport const x = y;\n`,
      [`src/${layer}/y.ts`]: exporting("y"),
    });
    expect(violations).toEqual([{ rule: "domain-not-to-outer-layers", from: "src/domain/x.ts", to: `src/${layer}/y.ts` }]);
  });

  it("domain/ naming a grammY type, even with `import type`, breaks domain-not-to-grammy", async () => {
    const violations = await violationsIn({
      "src/domain/x.ts": `import type { Context } from "grammy";\nexport type X = Context;\n`,
    });
    expect(violations).toEqual([{ rule: "domain-not-to-grammy", from: "src/domain/x.ts", to: "node_modules/grammy/mod.js" }]);
  });

  it("domain/ importing a @grammyjs plugin breaks domain-not-to-grammy", async () => {
    const violations = await violationsIn({
      "src/domain/x.ts": `import { conversations } from "@grammyjs/conversations";\nexport const x = conversations;\n`,
    });
    expect(violations).toEqual([
      { rule: "domain-not-to-grammy", from: "src/domain/x.ts", to: "node_modules/@grammyjs/conversations/mod.js" },
    ]);
  });

  it("a job importing a bot module breaks jobs-not-to-bot", async () => {
    const violations = await violationsIn({
      "src/jobs/sendJob.ts": `import { escapeHtml } from "../bot/html.ts";\nexport const send = escapeHtml;\n`,
      "src/bot/html.ts": exporting("escapeHtml"),
    });
    expect(violations).toEqual([{ rule: "jobs-not-to-bot", from: "src/jobs/sendJob.ts", to: "src/bot/html.ts" }]);
  });

  it("a bot feature importing a job breaks bot-not-to-jobs", async () => {
    const violations = await violationsIn({
      "src/bot/features/send.ts": `import { sendJob } from "../../jobs/sendJob.ts";\nexport const send = sendJob;\n`,
      "src/jobs/sendJob.ts": exporting("sendJob"),
    });
    expect(violations).toEqual([{ rule: "bot-not-to-jobs", from: "src/bot/features/send.ts", to: "src/jobs/sendJob.ts" }]);
  });

  it.each(["bot", "jobs", "payments"])("providers/ importing %s/ breaks providers-not-to-outer-layers", async (layer) => {
    const violations = await violationsIn({
      "src/providers/acme.ts": `import { y } from "../${layer}/y.ts";\nexport const acme = y;\n`,
      [`src/${layer}/y.ts`]: exporting("y"),
    });
    expect(violations).toEqual([{ rule: "providers-not-to-outer-layers", from: "src/providers/acme.ts", to: `src/${layer}/y.ts` }]);
  });

  it.each(["bot", "jobs"])("payments/ importing %s/ breaks payments-not-to-outer-layers", async (layer) => {
    const violations = await violationsIn({
      "src/payments/stars.ts": `import { y } from "../${layer}/y.ts";\nexport const stars = y;\n`,
      [`src/${layer}/y.ts`]: exporting("y"),
    });
    expect(violations).toEqual([{ rule: "payments-not-to-outer-layers", from: "src/payments/stars.ts", to: `src/${layer}/y.ts` }]);
  });

  it.each(["domain", "bot", "jobs", "providers", "payments"])("db/ importing %s/ breaks db-not-to-upper-layers", async (layer) => {
    const violations = await violationsIn({
      "src/db/schema.ts": `import { y } from "../${layer}/y.ts";\nexport const schema = y;\n`,
      [`src/${layer}/y.ts`]: exporting("y"),
    });
    expect(violations).toEqual([{ rule: "db-not-to-upper-layers", from: "src/db/schema.ts", to: `src/${layer}/y.ts` }]);
  });

  it.each(["domain/x.ts", "bot/context.ts", "jobs/x.ts", "providers/index.ts", "payments/stars.ts", "db/open.ts", "logger.ts"])(
    "src/%s reading the Config type breaks only-main-reads-config",
    async (path) => {
      const up = "../".repeat(path.split("/").length - 1) || "./";
      const violations = await violationsIn({
        [`src/${path}`]: `import type { Config } from "${up}config.ts";\nexport type X = Config;\n`,
        "src/config.ts": "export type Config = { botToken: string };\n",
      });
      expect(violations).toEqual([{ rule: "only-main-reads-config", from: `src/${path}`, to: "src/config.ts" }]);
    },
  );

  it("two modules importing each other break no-circular, even when one side only imports a type", async () => {
    const violations = await violationsIn({
      "src/domain/a.ts": `import type { B } from "./b.ts";\nexport const makeA = (b: B) => ({ b });\n`,
      "src/domain/b.ts": `import { makeA } from "./a.ts";\nexport type B = { name: string };\nexport const a = makeA({ name: "b" });\n`,
    });
    // A cycle is reported once, from the first module in it, with the way round.
    expect(violations).toEqual([
      { rule: "no-circular", from: "src/domain/a.ts", to: "src/domain/b.ts", cycle: ["src/domain/b.ts", "src/domain/a.ts"] },
    ]);
  });

  it.each(["test/helpers/app.ts", "bench/run.ts"])("src/ importing %s breaks src-not-to-test-or-bench", async (path) => {
    const violations = await violationsIn({
      "src/domain/x.ts": `import { y } from "../../${path}";\nexport const x = y;\n`,
      [path]: exporting("y"),
    });
    expect(violations).toEqual([{ rule: "src-not-to-test-or-bench", from: "src/domain/x.ts", to: path }]);
  });

  it("an import that resolves to nothing breaks not-to-unresolvable", async () => {
    const violations = await violationsIn({
      "src/domain/x.ts": `import { y } from "./missing.ts";\nexport const x = y;\n`,
    });
    expect(violations).toEqual([{ rule: "not-to-unresolvable", from: "src/domain/x.ts", to: "./missing.ts" }]);
  });

  it.each(["bot/features/x.ts", "jobs/x.ts", "domain/x.ts"])("%s importing ops/ breaks only-main-to-ops", async (path) => {
    const up = "../".repeat(path.split("/").length - 1);
    const violations = await violationsIn({
      [`src/${path}`]: `import { metrics } from "${up}ops/metrics.ts";\nexport const x = metrics;\n`,
      "src/ops/metrics.ts": exporting("metrics"),
    });
    expect(violations).toEqual([{ rule: "only-main-to-ops", from: `src/${path}`, to: "src/ops/metrics.ts" }]);
  });

  it.each(["bot", "jobs"])("ops/ importing %s/ breaks ops-not-to-bot-or-jobs", async (layer) => {
    const violations = await violationsIn({
      "src/ops/server.ts": `import { y } from "../${layer}/y.ts";\nexport const server = y;\n`,
      [`src/${layer}/y.ts`]: exporting("y"),
    });
    expect(violations).toEqual([{ rule: "ops-not-to-bot-or-jobs", from: "src/ops/server.ts", to: `src/${layer}/y.ts` }]);
  });

  it("the intended shape breaks nothing: main wires everything, outer layers call the domain, the domain uses db", async () => {
    const violations = await violationsIn({
      "src/main.ts": [
        `import { loadConfig } from "./config.ts";`,
        `import { createBot } from "./bot/createBot.ts";`,
        `import { startJobs } from "./jobs/scheduler.ts";`,
        `import { simulator } from "./providers/simulator.ts";`,
        `import { stars } from "./payments/stars.ts";`,
        `export const wired = [loadConfig, createBot, startJobs, simulator, stars];`,
        "",
      ].join("\n"),
      "src/config.ts": exporting("loadConfig"),
      "src/clock.ts": exporting("systemClock"),
      "src/db/schema.ts": `import { systemClock } from "../clock.ts";\nexport const schema = systemClock;\n`,
      "src/domain/numberProvider.ts": "export type NumberProvider = { name: string };\n",
      "src/domain/activations.ts": `import { schema } from "../db/schema.ts";\nimport type { NumberProvider } from "./numberProvider.ts";\nexport const buy = (p: NumberProvider) => [schema, p];\n`,
      "src/providers/simulator.ts": `import type { NumberProvider } from "../domain/numberProvider.ts";\nexport const simulator: NumberProvider = { name: "sim" };\n`,
      "src/payments/stars.ts": `import { buy } from "../domain/activations.ts";\nexport const stars = buy;\n`,
      "src/bot/createBot.ts": `import type { Context } from "grammy";\nimport { buy } from "../domain/activations.ts";\nexport const createBot = (c: Context) => [c, buy];\n`,
      "src/jobs/scheduler.ts": `import { buy } from "../domain/activations.ts";\nexport const startJobs = buy;\n`,
    });
    expect(violations).toEqual([]);
  });
});
