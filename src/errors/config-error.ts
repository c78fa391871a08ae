import { AgentTimelinesError } from './agent-timelines-error.ts';

/** Invalid environment: lists one problem per line, each starting with the variable's name. */
export class ConfigError extends AgentTimelinesError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
