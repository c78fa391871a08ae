/** What each of the demo's vendor simulators shares with the others: the seed, the agents, the range and the clock. */
export interface DemoSimulatorOptions {
  readonly seed: number;
  /** Agents of the simulated contact center. */
  readonly agents: number;
  /** The simulated range [from, to), epoch ms. */
  readonly from: number;
  readonly to: number;
  /** Simulated milliseconds per real millisecond. */
  readonly speed: number;
  /** The real time at which the simulated time is `from`, epoch ms (the same for every simulator, so all tell the same time). */
  readonly startedAt: number;
  readonly port: number;
  readonly credentials: { readonly username: string; readonly password: string };
}
