// The chart worker's entry: registers tsx (which the bot already runs with) so that the drawing
// code stays in TypeScript, then hands over to it. Plain JavaScript because a worker thread does
// not inherit the main thread's loader.
import { register } from "tsx/esm/api";

register();
await import("./statsChartThread.ts");
