import { Prng } from '../../../../core/random/prng.ts';

/** One operator (agent) of the simulated call center, as AnsweredBy names them. */
export interface Operator {
  /** The canonical display name: the agent key of the truth and of the pipeline. */
  readonly name: string;
  /** Another spelling some of the operator's calls carry in AnsweredBy (the alias map of the tenant config folds it); null: none. */
  readonly alias: string | null;
  /** Share of the operator's answered calls that carry `alias`. */
  readonly aliasShare: number;
}

const FIRST = ['Maria', 'James', 'Aisha', 'Robert', 'Chen', 'Olivia', 'Diego', 'Fatima', 'Liam', 'Sofia', 'Noah', 'Hana', 'Ethan', 'Zara', 'Lucas', 'Mei'];
const LAST = ['Garcia', 'Smith', 'Khan', 'Johnson', 'Wei', 'Brown', 'Lopez', 'Ali', 'Murphy', 'Rossi', 'Kim', 'Sato', 'Walker', 'Singh', 'Martin', 'Chen'];

/**
 * `count` operators with distinct names drawn from `seed`. The first operator also answers as an alias spelling
 * (`<Initial>. <Last>`) on a third of its calls, so the alias map has work to do.
 */
export function generateOperators(seed: number, count: number): Operator[] {
  const prng = new Prng(seed);
  const names = new Set<string>();
  const operators: Operator[] = [];
  while (operators.length < count) {
    const first = prng.pick(FIRST);
    const last = prng.pick(LAST);
    let name = `${first} ${last}`;
    if (names.has(name)) name = `${name} ${operators.length + 1}`;
    names.add(name);
    const aliased = operators.length === 0;
    operators.push({ name, alias: aliased ? `${first.slice(0, 1)}. ${last}` : null, aliasShare: aliased ? 1 / 3 : 0 });
  }
  return operators;
}
