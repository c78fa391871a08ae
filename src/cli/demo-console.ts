/** What the demo's console tells a person, one line per component as it comes up, then the URLs to open. */
export interface DemoConsole {
  /** `  <component>  <text>`, the component names aligned. */
  component(name: string, text: string): void;
  /** A line as it is. */
  line(text: string): void;
  /** Each group's title, then its links as `    <shows>  <url>`, the URLs of all groups aligned. */
  links(groups: readonly DemoLinkGroup[]): void;
}

const NAME_WIDTH = 10;

export function demoConsole(write: (text: string) => void): DemoConsole {
  return {
    component: (name, text) => write(`  ${name.padEnd(NAME_WIDTH)} ${text}\n`),
    line: (text) => write(`${text}\n`),
    links: (groups) => {
      const width = Math.max(0, ...groups.flatMap((group) => group.links.map((link) => link.shows.length)));
      for (const group of groups) {
        write(`  ${group.title}\n`);
        for (const link of group.links) write(`    ${link.shows.padEnd(width)}  ${link.url}\n`);
      }
    },
  };
}

/** One URL of the HTTP API worth opening, with what it shows. */
export interface DemoLink {
  readonly url: string;
  readonly shows: string;
}

/** Links that belong together, under a title (a tenant, or the service as a whole). */
export interface DemoLinkGroup {
  readonly title: string;
  readonly links: readonly DemoLink[];
}

/**
 * The live board of each tenant (the first URL a person opens), and the timeline view of the default tenant's agent on
 * the simulated day `day` (YYYY-MM-DD, UTC). The first tenant is the server's default, so its board has no `tenant`.
 */
export function boardLinks(api: string, tenants: readonly string[], day: string, agent: { readonly userId: string; readonly userName: string } | undefined): DemoLink[] {
  return [
    ...tenants.map((tenant, index) => ({ url: index === 0 ? `${api}/` : `${api}/?tenant=${encodeURIComponent(tenant)}`, shows: `live board, tenant ${tenant}` })),
    ...(agent === undefined ? [] : [{ url: `${api}/timeline.html?user=${agent.userId}&date=${day}&tz=UTC`, shows: `${agent.userName}'s day, timeline view` }]),
  ];
}

/**
 * The URLs of the default tenant (the Sinch RAI one) a person opens first, for the simulated day `day` (YYYY-MM-DD,
 * UTC) and, when the simulator has one, an agent to show a timeline of.
 */
export function demoLinks(api: string, day: string, agent: { readonly userId: string; readonly userName: string } | undefined): DemoLink[] {
  const wholeDay = `startTime=${day}T00:00:00.000Z&endTime=${day}T23:59:59.000Z`;
  return [
    { url: `${api}/agentStatus`, shows: 'every agent\'s state now' },
    { url: `${api}/agentStatistic?${wholeDay}&timeCategory=hour&limit=5`, shows: 'hourly statistics, 5 rows' },
    { url: `${api}/agentStatistic?${wholeDay}&timeCategory=day&sort=-servingDuration`, shows: 'the day per agent' },
    ...(agent === undefined ? [] : [{ url: `${api}/agents/${agent.userId}/timeline?${wholeDay}`, shows: `${agent.userName}'s timeline` }]),
  ];
}

/**
 * What the Evo Voice links are about: the tenant, the agents' local day, an agent and the account billed. Tenant and
 * account ids are URL-safe (the config and the vendor's ids allow nothing else).
 */
export interface EvoDemoSubject {
  readonly tenant: string;
  /** The agents' IANA zone and their local day containing the simulated start, [start, end) epoch ms. */
  readonly zone: string;
  readonly day: { readonly start: number; readonly end: number };
  readonly agent: { readonly id: string; readonly name: string } | undefined;
  readonly accountId: string;
  /** The billing days to show, YYYY-MM-DD, endDate exclusive (as the vendor's billing report). */
  readonly billing: { readonly startDate: string; readonly endDate: string };
}

/**
 * The URLs of the Evo Voice tenant: its agents' states, their local day (whose fields Evo Voice cannot supply are
 * null), an agent's timeline over that day and the account's billing rows.
 */
export function evoDemoLinks(api: string, subject: EvoDemoSubject): DemoLink[] {
  const tenant = `tenant=${subject.tenant}`;
  const localDay = `startTime=${new Date(subject.day.start).toISOString()}&endTime=${new Date(subject.day.end).toISOString()}`;
  const billing = `accountId=${subject.accountId}&startDate=${subject.billing.startDate}&endDate=${subject.billing.endDate}`;
  return [
    { url: `${api}/agentStatus?${tenant}`, shows: 'every agent\'s state now' },
    { url: `${api}/agentStatistic?${tenant}&${localDay}&timeCategory=day&timeZone=${subject.zone.replaceAll('+', '%2B')}`, shows: 'the day per agent (null = unknown)' },
    ...(subject.agent === undefined ? [] : [{ url: `${api}/agents/${subject.agent.id}/timeline?${tenant}&${localDay}`, shows: `${subject.agent.name}'s timeline` }]),
    { url: `${api}/billing?${tenant}&${billing}`, shows: 'billing per customer and service' },
  ];
}

/** The URLs about the service itself, whatever the tenant. */
export function serviceLinks(api: string): DemoLink[] {
  return [
    { url: `${api}/readyz`, shows: 'readiness' },
    { url: `${api}/metrics`, shows: 'Prometheus metrics' },
    { url: `${api}/openapi.json`, shows: 'the API (OpenAPI 3.1)' },
  ];
}
