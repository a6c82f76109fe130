import { ApiError, call, useSession } from './api.js';
import { sections } from './sections.js';
import { fill, frame } from './tables.js';

// The edge operator's dashboard: a login with the admin token, then every section refreshed from the admin API each
// POLL_MS while the tab is visible. An API error is shown on the page; a session that has ended brings back the login.

const POLL_MS = 2000;
const $ = id => document.getElementById(id);
let loggedIn = false;
let timer = null;
let errorSource = null;

function showLogin(message) {
  loggedIn = false;
  clearTimeout(timer);
  useSession(null);
  $('dashboard').hidden = true;
  // What the session was shown leaves the page with it.
  $('dashboard').replaceChildren();
  $('logout').hidden = true;
  $('ready').hidden = true;
  $('counts').textContent = '';
  clearError(null);
  $('login').hidden = false;
  note($('login-message'), message);
  $('token').value = '';
  $('token').focus();
}

function showDashboard(session) {
  useSession(session.csrf);
  loggedIn = true;
  $('login').hidden = true;
  note($('login-message'), '');
  $('dashboard').replaceChildren(...sections.map(frame));
  $('dashboard').hidden = false;
  $('logout').hidden = false;
  refresh();
}

function note(node, text) {
  node.textContent = text || '';
  node.hidden = !text;
}

function showError(text, source) {
  errorSource = source;
  $('error-text').textContent = text;
  $('error').hidden = false;
}

/** Hides the error shown, if it came from `source` (any, for null). */
function clearError(source) {
  if (source === null || errorSource === source) {
    errorSource = null;
    $('error').hidden = true;
  }
}

function sessionEnded(error) {
  return error instanceof ApiError && error.status === 401;
}

async function refresh() {
  clearTimeout(timer);
  if (!loggedIn) return;
  const [ready, ...lists] = await Promise.allSettled([
    call('GET', '/readyz', { accept: [503] }), ...sections.map(section => call('GET', section.endpoint))]);
  if (!loggedIn) return;
  if (lists.some(result => result.status === 'rejected' && sessionEnded(result.reason))) {
    showLogin('Your session has ended: log in again.');
    return;
  }
  const data = {};
  const failures = [];
  sections.forEach((section, i) => {
    if (lists[i].status === 'fulfilled') data[section.id] = (lists[i].value || {})[section.list] || [];
    else failures.push(`${section.title}: ${lists[i].reason.message}`);
  });
  sections.filter(section => data[section.id]).forEach(section => fill(section, data[section.id], data, act));
  showStatus(ready, data);
  if (failures.length) showError(`Could not load ${failures.join('; ')}`, 'refresh');
  else clearError('refresh');
  schedule();
}

function schedule() {
  clearTimeout(timer);
  if (loggedIn && document.visibilityState === 'visible') timer = setTimeout(refresh, POLL_MS);
}

function showStatus(ready, data) {
  const badge = $('ready');
  badge.hidden = false;
  if (ready.status === 'rejected') {
    badge.className = 'badge down';
    badge.textContent = `readiness unknown: ${ready.reason.message}`;
  } else {
    const isReady = ready.value.status === 'ready';
    badge.className = isReady ? 'badge ok' : 'badge down';
    badge.textContent = isReady ? 'ready' : `not ready: ${ready.value.reason}`;
  }
  const parts = [];
  if (data.sessions) parts.push(`${data.sessions.length} session${data.sessions.length === 1 ? '' : 's'}`);
  if (data.tunnels) {
    const byType = new Map();
    data.tunnels.forEach(t => byType.set(t.type, (byType.get(t.type) || 0) + 1));
    const types = [...byType].sort().map(([type, n]) => `${type} ${n}`).join(', ');
    parts.push(`${data.tunnels.length} tunnel${data.tunnels.length === 1 ? '' : 's'}${types ? ` (${types})` : ''}`);
  }
  $('counts').textContent = parts.join(' · ');
}

/** Makes the call of `action` on `row`, asking first if it says to; `button` stays disabled meanwhile. */
async function act(action, row, button) {
  if (action.confirm && !(await confirmed(action.confirm(row), action.label))) return;
  button.disabled = true;
  try {
    await call(action.method, action.path(row));
    clearError('action');
  } catch (error) {
    if (sessionEnded(error)) {
      showLogin('Your session has ended: log in again.');
      return;
    }
    showError(`${action.label} failed: ${error.message}`, 'action');
  } finally {
    button.disabled = false;
  }
  refresh();
}

/** Asks `question`; resolves true if the operator chose `label` over Cancel. */
function confirmed(question, label) {
  const dialog = $('confirm');
  $('confirm-text').textContent = question;
  $('confirm-ok').textContent = label;
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

$('confirm-ok').addEventListener('click', () => $('confirm').close('ok'));
$('confirm-cancel').addEventListener('click', () => $('confirm').close('cancel'));
$('error-close').addEventListener('click', () => clearError(null));

$('login').addEventListener('submit', async event => {
  event.preventDefault();
  $('login-submit').disabled = true;
  try {
    showDashboard(await call('POST', '/login', { body: { token: $('token').value } }));
  } catch (error) {
    note($('login-message'), error.message);
  } finally {
    $('login-submit').disabled = false;
  }
});

$('logout').addEventListener('click', async () => {
  try {
    await call('POST', '/logout');
  } catch (error) {
    if (!sessionEnded(error)) {
      showError(`Log out failed: ${error.message}`, 'action');
      return;
    }
  }
  showLogin('You have logged out.');
});

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') refresh();
  else clearTimeout(timer);
});

call('GET', '/session').then(showDashboard, error => showLogin(sessionEnded(error) ? '' : error.message));
