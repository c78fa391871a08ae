/**
 * A query string read the way PHP reads it: `name[]=a&name[]=b` and the indexed `name[0]=a&name[1]=b` make a list
 * (in order of appearance), a bare `name=a` is a one-element list; a scalar is the last `name=…`.
 */
export class PhpQuery {
  private readonly params: URLSearchParams;

  constructor(params: URLSearchParams) {
    this.params = params;
  }

  /** The scalar `name`, or undefined when absent; an empty value counts as absent, as in PHP's `empty()` checks. */
  scalar(name: string): string | undefined {
    const values = this.params.getAll(name);
    const value = values.at(-1);
    return value === undefined || value === '' ? undefined : value;
  }

  /** The list `name` (`name[]`, `name[N]` or a bare `name`), or undefined when none of them is present. */
  list(name: string): string[] | undefined {
    const values: string[] = [];
    let present = false;
    for (const [key, value] of this.params) {
      if (key === `${name}[]` || key === name || new RegExp(`^${name}\\[\\d+\\]$`).test(key)) {
        present = true;
        values.push(value);
      }
    }
    return present ? values : undefined;
  }
}
