/** Epoch milliseconds. Injected everywhere time matters so that tests can fix or move it. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
