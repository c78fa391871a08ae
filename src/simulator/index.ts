export type { FaultOptions, GroundTruth, RunningSimulator, SimulatedClock, SimulatorOptions } from './simulator-options.ts';
export { NO_FAULTS } from './simulator-options.ts';
export { groundTruthOf, simulatedNow, startSimulator } from './start-simulator.ts';
export type { GroundTruthOptions } from './model/generate-ground-truth.ts';
export { generateGroundTruth } from './model/generate-ground-truth.ts';
export type { GeneratedDay, TimedContact, TimedStatusRow } from './model/generated-day.ts';
export { ROW_LIMIT, DEFAULT_PAGE_LIMIT } from './http/row-order.ts';
