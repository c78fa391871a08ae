// How the pages call the API: the tenant and the optional bearer token (kept in this tab's sessionStorage only).

const params = new URLSearchParams(location.search);

/** The tenant the page reads: `?tenant=`, else none (the server's default, or the token's only tenant). */
export const tenant = params.get('tenant') ?? '';

export function token() {
  return sessionStorage.getItem('agent-timelines-token') ?? '';
}

/** @param {string} value */
export function setToken(value) {
  if (value === '') sessionStorage.removeItem('agent-timelines-token');
  else sessionStorage.setItem('agent-timelines-token', value);
}

/**
 * `path` with the page's tenant added.
 * @param {string} path
 */
export function apiUrl(path) {
  if (tenant === '') return path;
  return `${path}${path.includes('?') ? '&' : '?'}tenant=${encodeURIComponent(tenant)}`;
}

/** @returns {Record<string, string>} */
export function authHeaders() {
  const value = token();
  return value === '' ? {} : { authorization: `Bearer ${value}` };
}

/**
 * GET a JSON answer of the API; throws with the server's text on any other status.
 * @param {string} path
 */
export async function getJson(path) {
  const response = await fetch(apiUrl(path), { headers: { accept: 'application/json', ...authHeaders() } });
  const body = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${body}`);
  return JSON.parse(body);
}
