// Calls of the edge's admin API from the dashboard. The browser sends the session cookie with each by itself (the
// page cannot read it: it is HttpOnly); a change also carries the session's CSRF token, which only this page holds.

let csrf = null;

/** A call the API refused, or that could not be made: its status (0 for none), and its error's code and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The CSRF token changes are to carry from now on, or null once logged out. */
export function useSession(token) {
  csrf = token;
}

/** The JSON answer to METHOD PATH; rejects with an ApiError unless the status is 2xx or one of `accept`. */
export async function call(method, path, { body, accept = [] } = {}) {
  const headers = {};
  if (method !== 'GET' && csrf !== null) headers['X-Burrow-CSRF'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin', cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'unreachable', 'the edge does not answer (is it running, and the SSH tunnel to it open?)');
  }
  let json = null;
  try {
    json = await response.json();
  } catch (e) {
    // Not JSON: the status says what there is to say.
  }
  if (response.ok || accept.includes(response.status)) return json;
  const error = json && json.error;
  throw new ApiError(response.status, error ? error.code : `http_${response.status}`,
    error ? error.message : `the edge answered ${response.status} ${response.statusText}`);
}
