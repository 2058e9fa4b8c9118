import { parseScaled } from "../../domain/decimal.ts";
import { ok } from "../../domain/numberProvider.ts";
import type { NumberProvider, ProviderResult } from "../../domain/numberProvider.ts";
import type { SmsActivateClient } from "./client.ts";

/** The operator's balance at the host (getBalance). */
export function createBalance(client: SmsActivateClient): Pick<NumberProvider, "getBalance"> {
  const { call, unexpected } = client;

  async function getBalance(): Promise<ProviderResult<{ micros: number }>> {
    const action = "getBalance";
    const result = await call(action);
    if (!result.ok) return result;
    const answer = result.value;
    // Rounded down: the balance is never over-stated.
    const micros = !answer.error && answer.code === "ACCESS_BALANCE" && answer.detail !== null ? parseScaled(answer.detail, 6, "down") : null;
    if (micros === null) return unexpected(action, answer);
    return ok({ micros });
  }

  return { getBalance };
}
