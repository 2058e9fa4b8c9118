/**
 * The built-in simulator provider: the NumberProvider facade with its test controls, its stored
 * state and its static catalog.
 */

export { SIMULATOR_DEFAULTS, createSimulatorProvider, type SimulatorOptions } from "./provider.ts";
export type { FailNextOptions, ProviderMethod, SimulatorControls } from "./controls.ts";
export type { SimulatorState, SimulatorStore } from "./state.ts";
export { SIMULATOR_COUNTRIES, SIMULATOR_SERVICES } from "./catalog.ts";
