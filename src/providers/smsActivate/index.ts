import type { NumberProvider } from "../../domain/numberProvider.ts";
import { createActivations } from "./activations.ts";
import { createBalance } from "./balance.ts";
import { createCatalog } from "./catalog.ts";
import { createSmsActivateClient, type SmsActivateOptions } from "./client.ts";
import { createRentals } from "./rentals.ts";

/**
 * The sms-activate `handler_api.php` protocol (sms-activate, HeroSMS, Grizzly, SMSHub and other
 * compatible hosts) behind the NumberProvider interface: one client shared by the catalog,
 * balance, activation and rental parts. The choices the protocol leaves open are written down
 * in the part that makes them.
 */

export { handlerUrl, type SmsActivateOptions } from "./client.ts";
export { parseHostTime, readAnswer } from "./answers.ts";

export function createSmsActivateProvider(options: SmsActivateOptions): NumberProvider {
  const client = createSmsActivateClient(options);
  const rentHours = options.rentHours && options.rentHours.length > 0 ? [...options.rentHours] : [24];
  return {
    name: "sms-activate",
    // The protocol's EARLY_CANCEL_DENIED: no cancel in the first 2 minutes.
    earlyCancelMs: 120_000,
    ...createCatalog(client),
    ...createBalance(client),
    ...createActivations(client),
    ...createRentals(client, rentHours),
  };
}
