import { pino, type Logger } from "pino";

export type { Logger };

/** JSON lines on stdout; secrets are never logged (the token is redacted if it slips into an object). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: "sms-number-bot" },
    redact: { paths: ["token", "*.token", "apiKey", "*.apiKey", "config.botToken"], censor: "***" },
  });
}
