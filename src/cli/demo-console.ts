/** What the demo's console tells a person, one line per component as it comes up, then the URLs to open. */
export interface DemoConsole {
  /** `  <component>  <text>`, the component names aligned. */
  component(name: string, text: string): void;
  /** A line as it is. */
  line(text: string): void;
}

const NAME_WIDTH = 10;

export function demoConsole(write: (text: string) => void): DemoConsole {
  return {
    component: (name, text) => write(`  ${name.padEnd(NAME_WIDTH)} ${text}\n`),
    line: (text) => write(`${text}\n`),
  };
}

/** One URL of the HTTP API worth opening, with what it shows. */
export interface DemoLink {
  readonly url: string;
  readonly shows: string;
}

/**
 * The API URLs a person opens first, for the simulated day `day` (YYYY-MM-DD, UTC) and, when the simulator has one,
 * an agent to show a timeline of.
 */
export function demoLinks(api: string, day: string, agent: { readonly userId: string; readonly userName: string } | undefined): DemoLink[] {
  const wholeDay = `startTime=${day}T00:00:00.000Z&endTime=${day}T23:59:59.000Z`;
  return [
    { url: `${api}/agentStatus`, shows: 'every agent\'s state now' },
    { url: `${api}/agentStatistic?${wholeDay}&timeCategory=hour&limit=5`, shows: 'hourly statistics, 5 rows' },
    { url: `${api}/agentStatistic?${wholeDay}&timeCategory=day&sort=-servingDuration`, shows: 'the day per agent' },
    ...(agent === undefined ? [] : [{ url: `${api}/agents/${agent.userId}/timeline?${wholeDay}`, shows: `${agent.userName}'s timeline` }]),
    { url: `${api}/readyz`, shows: 'readiness' },
    { url: `${api}/metrics`, shows: 'Prometheus metrics' },
    { url: `${api}/openapi.json`, shows: 'the API (OpenAPI 3.1)' },
  ];
}
