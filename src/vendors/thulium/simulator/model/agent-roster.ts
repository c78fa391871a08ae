import { deriveSeed, Prng } from '../../../../core/random/prng.ts';

/** An agents group (`GET agents_groups`). */
export interface AgentGroup {
  readonly id: number;
  readonly name: string;
}

/** When an agent's shifts start, in the tenant's local time. */
export type ShiftPattern = 'day' | 'late' | 'night';

/** An agent as `GET agents/:login` shows it, plus the simulator's shift pattern. */
export interface ThuliumAgent {
  readonly agentId: number;
  readonly login: string;
  readonly name: string;
  readonly surname: string;
  readonly email: string;
  readonly number: string;
  readonly outboundMode: 'MANUAL' | 'PREVIEW';
  readonly groupId: number;
  readonly shift: ShiftPattern;
}

export const DEFAULT_GROUPS: readonly AgentGroup[] = [
  { id: 1, name: 'Obsługa klienta' },
  { id: 2, name: 'Sprzedaż' },
  { id: 3, name: 'Reklamacje' },
];

const NAMES = ['Jan', 'Anna', 'Piotr', 'Katarzyna', 'Tomasz', 'Agnieszka', 'Paweł', 'Magdalena', 'Michał', 'Joanna', 'Krzysztof', 'Ewa', 'Marcin', 'Zofia', 'Łukasz', 'Aleksandra'];
const SURNAMES = ['Nowak', 'Wójcik', 'Kowalczyk', 'Woźniak', 'Mazur', 'Krawczyk', 'Kaczmarek', 'Zając', 'Król', 'Wieczorek', 'Wróbel', 'Dudek', 'Adamczyk', 'Pawlak', 'Sikora', 'Baran'];

function ascii(text: string): string {
  return text.replace(/ł/g, 'l').replace(/Ł/g, 'L').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Every fifth agent works nights (so the DST hours at night have work), every fifth from the third on works late. */
function patternOf(index: number): ShiftPattern {
  if (index % 5 === 4) return 'night';
  if (index % 5 === 2) return 'late';
  return 'day';
}

/**
 * The tenant's agents, a function of (seed, index) and the groups only: adding agents never changes the existing
 * ones. Logins are first initial + surname in ASCII, with a number when taken; agent i is in group i mod groups.
 */
export function agentRoster(seed: number, count: number, groups: readonly AgentGroup[]): ThuliumAgent[] {
  const taken = new Map<string, number>();
  return Array.from({ length: count }, (_, index) => {
    const rng = new Prng(deriveSeed(seed, 'thulium-agent', index));
    const name = rng.pick(NAMES);
    const surname = rng.pick(SURNAMES);
    const base = ascii(`${name.slice(0, 1)}${surname}`);
    const seen = taken.get(base) ?? 0;
    taken.set(base, seen + 1);
    const login = seen === 0 ? base : `${base}${seen + 1}`;
    const group = groups[index % groups.length];
    if (group === undefined) throw new RangeError('agentRoster: at least one group is needed');
    return {
      agentId: 100 + index,
      login,
      name,
      surname,
      email: `${login}@example.com`,
      number: String(201 + index),
      outboundMode: rng.chance(0.5) ? 'MANUAL' : 'PREVIEW',
      groupId: group.id,
      shift: patternOf(index),
    };
  });
}
