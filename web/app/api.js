// The ConvAI API as the page uses it. The token lives in sessionStorage: it is gone when the
// tab closes, and it is sent only to this server, in the Authorization header.
const tokenKey = 'convai.token';
const meKey = 'convai.me';

export class APIError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(tokenKey);
}

export function signedInUser() {
  const text = sessionStorage.getItem(meKey);
  return text ? JSON.parse(text) : null;
}

export function remember(newToken, me) {
  sessionStorage.setItem(tokenKey, newToken);
  sessionStorage.setItem(meKey, JSON.stringify(me));
}

// Signing out forgets the conversations too: the next person at this tab must not see them.
export function forget() {
  sessionStorage.clear();
}

async function call(method, path, body, bearer = token()) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) throw new APIError(response.status, payload?.error ?? `The server answered ${response.status}`);
  return payload;
}

export const api = {
  me: (bearer) => call('GET', '/api/v1/me', undefined, bearer),
  developmentUsers: () => call('GET', '/api/v1/dev/users', undefined, null),
  developmentToken: (tenant, userId) => call('POST', '/api/v1/dev/token', { tenant, userId }, null),
  ask: (question, sessionId) => call('POST', '/api/v1/ask', sessionId ? { question, sessionId } : { question }),
  clarify: (sessionId, answers) => call('POST', '/api/v1/ask/clarify', { sessionId, answers }),
  insights: () => call('GET', '/api/v1/insights'),
  metricsSummary: (by, days = 30) => call('GET', `/api/v1/metrics/summary?days=${days}&by=${encodeURIComponent(by)}`),
  metricsDaily: (days = 30) => call('GET', `/api/v1/metrics/daily?days=${days}`),
  costByModel: (days = 30) => call('GET', `/api/v1/metrics/cost-by-model?days=${days}`),
};
