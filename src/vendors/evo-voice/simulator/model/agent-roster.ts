import { deriveSeed, Prng } from '../../../../core/random/prng.ts';

/** When an agent's shifts start, in the local time of the model's zone. */
export type ShiftPattern = 'day' | 'late' | 'night';

/** An agent: an Evo Voice User endpoint. */
export interface EvoAgent {
  /** The endpoint id: 24 lowercase hex digits. */
  readonly id: string;
  readonly name: string;
  /** The endpoint's extension: 3 or 4 digits. */
  readonly extension: string;
  readonly shift: ShiftPattern;
}

const FIRST_NAMES = ['Aino', 'Mikko', 'Sofia', 'Juha', 'Emma', 'Liam', 'Olivia', 'Noah', 'Maria', 'Pekka', 'Laura', 'David', 'Sara', 'Ahmed', 'Lena', 'Tomás', 'Yuki', 'Grace', 'Omar', 'Ines'];
const LAST_NAMES = ['Virtanen', 'Smith', 'Korhonen', 'García', 'Nieminen', 'Johnson', 'Mäkinen', 'Brown', 'Hämäläinen', 'Lee', 'Laine', 'Martin', 'Heikkinen', 'Silva', 'Koskinen', 'Nowak', 'Järvinen', 'Rossi', 'Lehtonen', 'Okafor'];

/** Every fifth agent works nights, every fifth from the third on works late; the rest work days. */
function patternOf(index: number): ShiftPattern {
  if (index % 5 === 4) return 'night';
  if (index % 5 === 2) return 'late';
  return 'day';
}

/**
 * The account's agents, a function of (seed, accountId, index) only: adding agents never changes the existing ones.
 * Extensions are 101, 102, … in roster order.
 */
export function agentRoster(seed: number, accountId: string, count: number): EvoAgent[] {
  return Array.from({ length: count }, (_, index) => {
    const rng = new Prng(deriveSeed(seed, 'evo-agent', accountId, index));
    return {
      id: rng.hex(24),
      name: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
      extension: String(101 + index),
      shift: patternOf(index),
    };
  });
}
