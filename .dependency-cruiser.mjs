// The layers of src/, enforced by `npm run deps` (part of `npm test`).
// Dependencies point inward:
//
//   main.ts          composition root: the only reader of config.ts; wires everything below
//   bot/   jobs/     outer layers; they call domain/ and never import each other
//   providers/       NumberProvider adapters (the port itself is domain/numberProvider.ts)
//   payments/        top-up methods (Telegram Stars)
//   ops/             the HTTP server (webhook, provider notices, /healthz, /metrics), metrics, restore
//   domain/          business rules over the db: no grammY, no adapters, no config
//   db/              schema and storage: knows nothing above it
//
// Paths are relative to the repository root. Type-only imports count: they couple layers too.

const grammy = "(^|/)node_modules/(grammy|@grammyjs)/|^(grammy|@grammyjs/)";

/** @type {import("dependency-cruiser").IConfiguration} */
export default {
  forbidden: [
    {
      name: "domain-not-to-outer-layers",
      comment:
        "domain/ is the inside: bot/, jobs/, providers/ and payments/ depend on it, never the reverse. " +
        "What the domain needs from an adapter is a port declared in domain/ (see numberProvider.ts).",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "^src/(bot|jobs|providers|payments)/" },
    },
    {
      name: "domain-not-to-grammy",
      comment: "domain/ knows nothing of Telegram: no grammy, no @grammyjs/* packages, not even their types.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: grammy },
    },
    {
      name: "jobs-not-to-bot",
      comment: "jobs/ never imports bot/: what a job needs from the chat comes through a port passed in by main.ts.",
      severity: "error",
      from: { path: "^src/jobs/" },
      to: { path: "^src/bot/" },
    },
    {
      name: "bot-not-to-jobs",
      comment: "bot/ never imports jobs/: a feature that starts work does it through a domain service.",
      severity: "error",
      from: { path: "^src/bot/" },
      to: { path: "^src/jobs/" },
    },
    {
      name: "providers-not-to-outer-layers",
      comment: "providers/ are adapters of the domain's NumberProvider port: no bot/, jobs/ or payments/.",
      severity: "error",
      from: { path: "^src/providers/" },
      to: { path: "^src/(bot|jobs|payments)/" },
    },
    {
      name: "payments-not-to-outer-layers",
      comment: "payments/ are top-up adapters: no bot/ or jobs/.",
      severity: "error",
      from: { path: "^src/payments/" },
      to: { path: "^src/(bot|jobs)/" },
    },
    {
      name: "only-main-to-ops",
      comment:
        "ops/ (the HTTP server, metrics, update intake, restore) is wired by main.ts alone: the bot, " +
        "the jobs and the domain never know whether they run behind a webhook or are being measured.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(main\\.ts$|ops/)" },
      to: { path: "^src/ops/" },
    },
    {
      name: "ops-not-to-bot-or-jobs",
      comment: "ops/ gets the bot and the jobs' status from main.ts; it calls the domain and db only.",
      severity: "error",
      from: { path: "^src/ops/" },
      to: { path: "^src/(bot|jobs)/" },
    },
    {
      name: "db-not-to-upper-layers",
      comment: "db/ is the bottom: schema and storage import nothing from domain/, bot/, jobs/, providers/ or payments/.",
      severity: "error",
      from: { path: "^src/db/" },
      to: { path: "^src/(domain|bot|jobs|providers|payments)/" },
    },
    {
      // This one also keeps config.ts out of domain/, providers/ and payments/; the layer rules
      // above leave it to this rule so that each offending import is reported once.
      name: "only-main-reads-config",
      comment:
        "Config is parsed once, in main.ts, and the values each part needs are passed in; " +
        "tests (and benchmarks) may call loadConfig themselves.",
      severity: "error",
      from: { pathNot: "^(src/main\\.ts$|test/|bench/)" },
      to: { path: "^src/config\\.ts$" },
    },
    {
      name: "no-circular",
      comment: "No import cycles in src/: a cycle means two modules are really one, or a port is missing.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "src-not-to-test-or-bench",
      comment: "Production code never imports test helpers, fixtures or benchmarks.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(test|bench)/" },
    },
    {
      name: "not-to-unresolvable",
      comment:
        "Every import must resolve to a file, or the rules above cannot see where it goes " +
        "(this is what would catch a resolver that stopped understanding `./x.ts` specifiers).",
      severity: "error",
      from: { path: "^src/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "(^|/)node_modules/" },
    // Keep `import type` edges: without this the TypeScript compiler drops them before analysis.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      // Sources import with the .ts extension (allowImportingTsExtensions); these cover the rest.
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json"],
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
