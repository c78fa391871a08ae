/** A catalogued error: its code, HTTP status and message templates (`{name}` placeholders). */
export interface ErrorDefinition {
  readonly code: number;
  readonly status: number;
  readonly en: string;
  readonly pl: string;
}

/**
 * The simulator's error catalogue (Thulium publishes the body shape, not its codes: docs/vendors/thulium-contract.md).
 * 1xxx request validation (400), 2xxx authentication and permissions, 3xxx not found, 4xxx rate limit, 5xxx server.
 */
export const ERRORS = {
  missingParameter: { code: 1001, status: 400, en: "Parameter '{name}' is required", pl: "Parametr '{name}' jest wymagany" },
  invalidDate: { code: 1002, status: 400, en: "Parameter '{name}' must be a date: YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS", pl: "Parametr '{name}' musi być datą: RRRR-MM-DD, RRRR-MM-DD GG:MM lub RRRR-MM-DD GG:MM:SS" },
  dateOrder: { code: 1003, status: 400, en: 'date_to must be later than date_from', pl: 'Data zakończenia (date_to) musi być późniejsza niż data rozpoczęcia (date_from)' },
  agentsRequired: { code: 1004, status: 400, en: 'One of agent_logins or agent_group_ids is required', pl: 'Wymagany jest parametr agent_logins lub agent_group_ids' },
  invalidAggregate: { code: 1005, status: 400, en: 'aggregate_by must be one of: {values}', pl: 'Parametr aggregate_by musi mieć jedną z wartości: {values}' },
  invalidLimit: { code: 1006, status: 400, en: 'limit must be an integer from 1 to 100', pl: 'Parametr limit musi być liczbą całkowitą od 1 do 100' },
  invalidOffset: { code: 1007, status: 400, en: 'offset must be an integer not less than 0', pl: 'Parametr offset musi być liczbą całkowitą nie mniejszą niż 0' },
  invalidThreshold: { code: 1008, status: 400, en: 'outbound_threshold must be an integer number of seconds not less than 0', pl: 'Parametr outbound_threshold musi być liczbą całkowitą sekund nie mniejszą niż 0' },
  invalidIdList: { code: 1009, status: 400, en: "Every element of '{name}' must be an integer id", pl: "Każdy element parametru '{name}' musi być identyfikatorem liczbowym" },
  authenticationRequired: { code: 2001, status: 401, en: 'Authentication required: use HTTP Basic with an API user', pl: 'Wymagane uwierzytelnienie: użyj HTTP Basic z użytkownikiem API' },
  badCredentials: { code: 2002, status: 401, en: 'Invalid API user or password', pl: 'Nieprawidłowy użytkownik API lub hasło' },
  forbidden: { code: 2003, status: 403, en: "The API user may not call '{method}'", pl: "Użytkownik API nie ma uprawnień do metody '{method}'" },
  agentNotFound: { code: 3001, status: 404, en: "Agent '{login}' does not exist", pl: "Agent '{login}' nie istnieje" },
  routeNotFound: { code: 3002, status: 404, en: 'Unknown resource: {path}', pl: 'Nieznany zasób: {path}' },
  methodNotAllowed: { code: 3003, status: 405, en: 'Method {verb} is not allowed for {path}', pl: 'Metoda {verb} nie jest dozwolona dla {path}' },
  tooManyRequests: { code: 4001, status: 429, en: 'Too many requests: retry after {seconds} s', pl: 'Zbyt wiele zapytań: spróbuj ponownie za {seconds} s' },
  internal: { code: 5001, status: 500, en: 'Internal server error', pl: 'Wewnętrzny błąd serwera' },
  unavailable: { code: 5003, status: 503, en: 'Service temporarily unavailable', pl: 'Usługa chwilowo niedostępna' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorName = keyof typeof ERRORS;

/** One error of a response: a catalogue entry and its placeholder values. */
export interface ErrorItem {
  readonly name: ErrorName;
  readonly params?: Readonly<Record<string, string>>;
}

export type Language = 'en' | 'pl';

/** Polish when `Accept-Language` starts with `pl` (any case), English otherwise. */
export function languageOf(acceptLanguage: string | undefined): Language {
  return /^\s*pl\b/i.test(acceptLanguage ?? '') ? 'pl' : 'en';
}

function render(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => params[key] ?? whole);
}

/**
 * A failed request: one or more errors of the same HTTP status (the first error's), extra response headers.
 * Thrown by the handlers, turned into the error body by the request handler.
 */
export class ThuliumApiError extends Error {
  readonly status: number;
  readonly items: readonly ErrorItem[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(items: readonly [ErrorItem, ...ErrorItem[]], headers: Readonly<Record<string, string>> = {}) {
    super(items.map((i) => ERRORS[i.name].en).join('; '));
    this.status = ERRORS[items[0].name].status;
    this.items = items;
    this.headers = headers;
  }

  /** `{"request_id", "errors":[{"message","code"}, …]}` in `language`. */
  body(requestId: string, language: Language): { request_id: string; errors: Array<{ message: string; code: number }> } {
    return {
      request_id: requestId,
      errors: this.items.map((item) => ({ message: render(ERRORS[item.name][language], item.params ?? {}), code: ERRORS[item.name].code })),
    };
  }
}

/** A single-error failure. */
export function apiError(name: ErrorName, params?: Readonly<Record<string, string>>, headers?: Readonly<Record<string, string>>): ThuliumApiError {
  return new ThuliumApiError([{ name, ...(params === undefined ? {} : { params }) }], headers);
}
