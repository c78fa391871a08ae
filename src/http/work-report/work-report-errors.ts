import { randomBytes } from 'node:crypto';

/** One problem with a request, in both languages the Thulium API answers in. */
export interface WorkReportProblem {
  readonly code: number;
  readonly en: string;
  readonly pl: string;
}

/**
 * The error codes of `GET /api/agents_work_report` (docs/http-api.md). Thulium publishes no codes; where a problem is
 * one the Thulium simulator also reports, the code is the simulator's (docs/vendors/thulium-contract.md: 1001–1008,
 * 5003), and the problems only this API has are 1101–1105 (input) and 1201–1206 (not supported).
 */
export const WORK_REPORT_ERRORS = {
  missingParameter: (name: string): WorkReportProblem => ({ code: 1001, en: `Missing required parameter: ${name}`, pl: `Brak wymaganego parametru: ${name}` }),
  agentsRequired: (): WorkReportProblem => ({
    code: 1004,
    en: 'One of the parameters agent_logins or agent_group_ids is required',
    pl: 'Wymagany jest jeden z parametrów agent_logins lub agent_group_ids',
  }),
  invalidDate: (name: string, value: string): WorkReportProblem => ({
    code: 1002,
    en: `Invalid ${name}: '${value}' (expected YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS)`,
    pl: `Nieprawidłowa wartość ${name}: '${value}' (oczekiwano RRRR-MM-DD, RRRR-MM-DD GG:MM lub RRRR-MM-DD GG:MM:SS)`,
  }),
  dateOrder: (): WorkReportProblem => ({ code: 1003, en: 'date_to must be later than date_from', pl: 'date_to musi być późniejsza niż date_from' }),
  invalidAggregateBy: (value: string): WorkReportProblem => ({
    code: 1005,
    en: `Invalid aggregate_by: '${value}' (expected one of hour_of_day, minute, hour, day, week, month, year)`,
    pl: `Nieprawidłowa wartość aggregate_by: '${value}' (oczekiwano jednej z: hour_of_day, minute, hour, day, week, month, year)`,
  }),
  invalidLimit: (value: string, max: number): WorkReportProblem => ({
    code: 1006,
    en: `Invalid limit: '${value}' (expected an integer from 1 to ${max})`,
    pl: `Nieprawidłowa wartość limit: '${value}' (oczekiwano liczby całkowitej od 1 do ${max})`,
  }),
  invalidOffset: (value: string): WorkReportProblem => ({
    code: 1007,
    en: `Invalid offset: '${value}' (expected a non-negative integer)`,
    pl: `Nieprawidłowa wartość offset: '${value}' (oczekiwano nieujemnej liczby całkowitej)`,
  }),
  invalidOutboundThreshold: (value: string): WorkReportProblem => ({
    code: 1008,
    en: `Invalid outbound_threshold: '${value}' (expected a non-negative integer number of seconds)`,
    pl: `Nieprawidłowa wartość outbound_threshold: '${value}' (oczekiwano nieujemnej liczby całkowitej sekund)`,
  }),
  unknownParameter: (name: string): WorkReportProblem => ({ code: 1101, en: `Unknown parameter: ${name}`, pl: `Nieznany parametr: ${name}` }),
  repeatedParameter: (name: string): WorkReportProblem => ({ code: 1102, en: `Repeated parameter: ${name}`, pl: `Powtórzony parametr: ${name}` }),
  invalidLogin: (value: string): WorkReportProblem => ({
    code: 1103,
    en: `Invalid agent login: '${value}' (expected a user id: a Sinch RAI GUID, an Evo Voice agent id or a vendor login)`,
    pl: `Nieprawidłowy login agenta: '${value}' (oczekiwano identyfikatora użytkownika: GUID Sinch RAI, id agenta Evo Voice lub login u dostawcy)`,
  }),
  invalidTenant: (value: string): WorkReportProblem => ({
    code: 1104,
    en: `Invalid tenant: '${value}' (expected 1-64 letters, digits, "_" or "-")`,
    pl: `Nieprawidłowa wartość tenant: '${value}' (oczekiwano 1-64 liter, cyfr, "_" lub "-")`,
  }),
  invalidTimeZone: (value: string): WorkReportProblem => ({
    code: 1105,
    en: `Invalid timeZone: '${value}' (expected an IANA zone such as Europe/Warsaw)`,
    pl: `Nieprawidłowa wartość timeZone: '${value}' (oczekiwano strefy IANA, np. Europe/Warsaw)`,
  }),
  groupsUnsupported: (): WorkReportProblem => ({
    code: 1201,
    en: 'Agent groups are not supported: agent-timelines has no agent groups; pass agent_logins[] instead',
    pl: 'Grupy agentów nie są obsługiwane: agent-timelines nie zna grup agentów; podaj agent_logins[]',
  }),
  queuesUnsupported: (): WorkReportProblem => ({
    code: 1202,
    en: 'Queues are not supported: the statistics are per agent, not per queue',
    pl: 'Kolejki nie są obsługiwane: statystyki są per agent, nie per kolejka',
  }),
  minuteUnsupported: (): WorkReportProblem => ({
    code: 1203,
    en: 'aggregate_by=minute is not supported: the statistics are kept per quarter-hour',
    pl: 'aggregate_by=minute nie jest obsługiwane: statystyki są przechowywane w kwadransach',
  }),
  thresholdUnsupported: (value: string): WorkReportProblem => ({
    code: 1204,
    en: `outbound_threshold '${value}' is not supported: only 0 (calls are not split by talk time)`,
    pl: `outbound_threshold '${value}' nie jest obsługiwany: tylko 0 (połączenia nie są dzielone według czasu rozmowy)`,
  }),
  notOnQuarterHour: (name: string, value: string): WorkReportProblem => ({
    code: 1205,
    en: `Invalid ${name}: '${value}' is not on a quarter-hour (HH:00, HH:15, HH:30 or HH:45 with 00 seconds); the statistics are kept per quarter-hour`,
    pl: `Nieprawidłowa wartość ${name}: '${value}' nie wypada na pełny kwadrans (GG:00, GG:15, GG:30 lub GG:45, 00 sekund); statystyki są przechowywane w kwadransach`,
  }),
  rangeTooLong: (maxDays: number): WorkReportProblem => ({
    code: 1206,
    en: `The range from date_from to date_to is too long (at most ${maxDays} days)`,
    pl: `Zakres od date_from do date_to jest zbyt długi (najwyżej ${maxDays} dni)`,
  }),
  unavailable: (detail: string): WorkReportProblem => ({
    code: 5003,
    en: `Service unavailable, retry shortly: ${detail}`,
    pl: `Usługa chwilowo niedostępna, spróbuj ponownie: ${detail}`,
  }),
} as const;

/** A request the route refuses with 400: every problem found, in parameter order. */
export class WorkReportRejection extends Error {
  readonly problems: readonly WorkReportProblem[];

  constructor(problems: readonly WorkReportProblem[]) {
    super(problems.map((problem) => problem.en).join('; '));
    this.name = 'WorkReportRejection';
    this.problems = problems;
  }
}

export interface ThuliumErrorBody {
  readonly request_id: string;
  readonly errors: readonly { readonly message: string; readonly code: number }[];
}

/** `pl` when the Accept-Language header starts with `pl` (as Thulium answers), else `en`. */
export function answerLanguage(acceptLanguage: string | undefined): 'en' | 'pl' {
  return acceptLanguage !== undefined && /^\s*pl\b/i.test(acceptLanguage) ? 'pl' : 'en';
}

/** Thulium's error body: a 13-hex-digit request id and the problems in the chosen language. */
export function errorBody(problems: readonly WorkReportProblem[], language: 'en' | 'pl'): ThuliumErrorBody {
  return {
    request_id: randomBytes(7).toString('hex').slice(0, 13),
    errors: problems.map((problem) => ({ message: problem[language], code: problem.code })),
  };
}
