'use strict';
// The Burrow inspector page. Everything captured comes from the internet, so it is only ever put on the page as
// text (textContent, DOM nodes), never as HTML.

const state = { exchanges: new Map(), selected: null, compare: [], detail: null };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || response.statusText);
  return body;
}

// ---- list -------------------------------------------------------------------------------------------------

async function loadAll() {
  const [status, tunnels, requests] = await Promise.all([
    api('/api/status'), api('/api/tunnels'), api('/api/requests?limit=500')]);
  showStatus(status);
  document.getElementById('tunnels').replaceChildren(
    ...tunnels.tunnels.map(t => el('li', {}, `${t.url} → ${t.forwards_to}`)));
  state.exchanges.clear();
  for (const summary of requests.requests) state.exchanges.set(summary.id, summary);
  renderList();
}

function showStatus(status) {
  const badge = document.getElementById('status');
  badge.className = 'badge ' + (status.connected ? 'ok' : 'down');
  badge.textContent = status.connected
    ? 'online' + (status.edge_rtt_ms === null ? '' : ` · ${status.edge_rtt_ms.toFixed(1)} ms to the edge`)
    : 'reconnecting';
}

function matches(summary, filter) {
  for (const word of filter.trim().toLowerCase().split(/\s+/).filter(Boolean)) {
    if (word.startsWith('status:')) {
      if (String(summary.status) !== word.slice(7)) return false;
    } else if (word.startsWith('method:')) {
      if ((summary.method || '').toLowerCase() !== word.slice(7)) return false;
    } else if (!`${summary.method} ${summary.uri}`.toLowerCase().includes(word)) {
      return false;
    }
  }
  return true;
}

function renderList() {
  const filter = document.getElementById('filter').value;
  const rows = [...state.exchanges.values()]
    .sort((a, b) => b.id - a.id)
    .filter(summary => matches(summary, filter))
    .map(row);
  document.querySelector('#requests tbody').replaceChildren(...rows);
  document.getElementById('empty').hidden = state.exchanges.size > 0;
}

function row(summary) {
  const statusClass = summary.state === 'reset' ? 'reset' : summary.status ? 's' + String(summary.status)[0] : '';
  const tick = el('input', { type: 'checkbox', title: 'compare', onclick: event => {
    event.stopPropagation();
    toggleCompare(summary.id, event.target.checked);
  } });
  tick.checked = state.compare.includes(summary.id);
  return el('tr', { 'data-id': summary.id, class: summary.id === state.selected ? 'selected' : '',
                    onclick: () => select(summary.id) },
    el('td', {}, tick),
    el('td', {}, new Date(summary.started_at).toLocaleTimeString()),
    el('td', {}, summary.method),
    el('td', { class: 'path', title: summary.uri }, summary.uri,
      summary.replay_of ? el('span', { class: 'replay-mark' }, `replay of #${summary.replay_of}`) : null,
      summary.websocket ? el('span', { class: 'replay-mark' }, 'websocket') : null,
      summary.denied_at_edge ? el('span', { class: 'replay-mark' }, 'denied at the edge') : null),
    el('td', { class: statusClass }, summary.state === 'in_progress' ? '…' : summary.state === 'reset'
      ? (summary.status || 'reset') : summary.status),
    el('td', {}, summary.duration_ms === null ? '' : `${summary.duration_ms.toFixed(1)} ms`),
    el('td', {}, size(summary.response_size)));
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function listen() {
  const events = new EventSource('/api/events');
  let dropped = false;
  events.addEventListener('exchange', event => {
    const summary = JSON.parse(event.data);
    state.exchanges.set(summary.id, summary);
    renderList();
    if (summary.id === state.selected && summary.state !== 'in_progress') select(summary.id);
  });
  events.addEventListener('reload', () => loadAll());
  events.addEventListener('error', () => { dropped = true; });
  events.addEventListener('open', () => { if (dropped) { dropped = false; loadAll(); } });
}

// ---- detail -----------------------------------------------------------------------------------------------

async function select(id) {
  state.selected = id;
  document.getElementById('diff').hidden = true;
  renderList();
  const detail = await api(`/api/requests/${id}`);
  state.detail = detail;
  document.getElementById('nothing-selected').hidden = true;
  document.getElementById('detail').hidden = false;
  document.getElementById('editor').hidden = true;
  document.getElementById('curl-text').hidden = true;
  document.getElementById('message').textContent = '';
  document.getElementById('exchange').replaceChildren(
    el('h2', {}, `${detail.method} ${detail.uri}`, detail.replay_of ? ` (replay of #${detail.replay_of})` : ''),
    el('p', { class: 'note' }, `#${detail.id} · ${detail.tunnel_url} · from ${detail.client_addr} · `
      + `${new Date(detail.started_at).toLocaleString()}`
      + (detail.duration_ms === null ? '' : ` · ${detail.duration_ms.toFixed(1)} ms`)),
    detail.denied_at_edge ? el('p', { class: 'denied' }, `Answered ${detail.status} at the edge by the traffic policy`
      + ` rule '${detail.denied_at_edge.rule}' (${detail.denied_at_edge.reason || 'no reason given'}); it never`
      + ' came through the tunnel, so only its request line was recorded.') : null,
    detail.policy_rules ? el('p', { class: 'note' }, 'Traffic policy rules that acted at the edge: '
      + detail.policy_rules.join(', ')) : null,
    el('h3', {}, 'Request headers'), headerTable(detail.request.headers),
    el('h3', {}, 'Request body'), bodyView(detail.request.body, detail.request.headers),
    el('h2', {}, detail.status === null ? (detail.state === 'reset' ? 'No answer (reset)' : 'Waiting for the answer…')
      : `Response ${detail.status}`),
    el('h3', {}, 'Response headers'), headerTable(detail.response.headers),
    detail.websocket ? webSocketView(detail.websocket)
      : el('div', {}, el('h3', {}, 'Response body'), bodyView(detail.response.body, detail.response.headers)));
}

/** The frames of a WebSocket upgrade, both directions in order, each with the start of its payload. */
function webSocketView(webSocket) {
  const rows = webSocket.frames.map(frame => {
    const bytes = bytesOf({ base64: frame.preview_base64 });
    const text = frame.type === 'binary' ? null : textOf(bytes);
    const shown = text !== null ? text : hexDump(bytes.slice(0, 64));
    return el('tr', {},
      el('td', {}, new Date(frame.at).toLocaleTimeString()),
      el('td', {}, frame.from === 'client' ? 'client → upstream' : 'upstream → client'),
      el('td', {}, frame.type + (frame.fin ? '' : ' (part)')),
      el('td', {}, size(frame.length)),
      el('td', { class: 'preview' }, shown + (bytes.length < frame.length ? ' …' : '')));
  });
  return el('div', {},
    el('h2', {}, `WebSocket messages (${webSocket.frames.length}${webSocket.dropped ? `, ${webSocket.dropped} more not kept` : ''})`),
    rows.length === 0 ? el('p', { class: 'note' }, 'none yet')
      : el('table', { class: 'headers' }, el('tr', {}, el('th', {}, 'Time'), el('th', {}, 'Direction'),
          el('th', {}, 'Type'), el('th', {}, 'Length'), el('th', {}, 'Payload')), ...rows));
}

function headerTable(headers) {
  if (headers.length === 0) return el('p', { class: 'note' }, 'none');
  return el('table', { class: 'headers' }, ...headers.map(([name, value]) => el('tr', {},
    el('td', {}, name), el('td', {}, value))));
}

function header(headers, name) {
  const found = headers.find(([key]) => key.toLowerCase() === name);
  return found ? found[1] : '';
}

function bytesOf(body) {
  const raw = atob(body.base64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function textOf(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    return null;
  }
}

function bodyView(body, headers) {
  if (body.size === 0) return el('p', { class: 'note' }, 'empty');
  const bytes = bytesOf(body);
  const type = header(headers, 'content-type').toLowerCase();
  const parts = [];
  if (body.truncated) {
    parts.push(el('p', { class: 'cut' }, `Body cut: ${bytes.length} of ${body.size} bytes captured.`));
  }
  const text = textOf(bytes);
  if (type.startsWith('image/') && !body.truncated) {
    parts.push(el('img', { class: 'body', alt: 'image body', src: `data:${type.split(';')[0]};base64,${body.base64}` }));
  } else if (text !== null && /json/.test(type) && !body.truncated && parseJson(text) !== undefined) {
    parts.push(el('div', { class: 'json' }, jsonView(parseJson(text), null)));
  } else if (text !== null && type.startsWith('application/x-www-form-urlencoded')) {
    parts.push(el('table', { class: 'headers' }, ...[...new URLSearchParams(text)].map(([key, value]) =>
      el('tr', {}, el('td', {}, key), el('td', {}, value)))));
  } else if (text !== null) {
    parts.push(el('pre', {}, text));
  } else {
    parts.push(el('pre', {}, hexDump(bytes.slice(0, 4096))),
      bytes.length > 4096 ? el('p', { class: 'note' }, `first 4096 of ${bytes.length} bytes shown as hex`) : null);
  }
  return el('div', {}, ...parts);
}

function parseJson(text) {
  try { return JSON.parse(text); } catch (e) { return undefined; }
}

/** JSON pretty-printed, objects and arrays folded in <details> so large bodies stay readable. */
function jsonView(value, key) {
  const label = key === null ? [] : [el('span', { class: 'key' }, JSON.stringify(key)), ': '];
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    const open = Array.isArray(value) ? '[' : '{';
    const close = Array.isArray(value) ? ']' : '}';
    const details = el('details', { open: '' },
      el('summary', {}, ...label, `${open} ${entries.length} ${Array.isArray(value) ? 'items' : 'keys'}`),
      ...entries.map(([k, v]) => jsonView(v, Array.isArray(value) ? null : k)), el('div', {}, close));
    return details;
  }
  const kind = typeof value === 'string' ? 'str' : typeof value === 'number' ? 'num' : 'lit';
  return el('div', { class: 'entry' }, ...label, el('span', { class: kind }, JSON.stringify(value)));
}

function hexDump(bytes) {
  const lines = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const chunk = [...bytes.slice(offset, offset + 16)];
    const hex = chunk.map(b => b.toString(16).padStart(2, '0')).join(' ').padEnd(47);
    const ascii = chunk.map(b => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex}  ${ascii}`);
  }
  return lines.join('\n');
}

// ---- actions ----------------------------------------------------------------------------------------------

async function replay(edits) {
  const message = document.getElementById('message');
  message.textContent = 'Replaying…';
  try {
    const replayed = await api(`/api/requests/${state.detail.id}/replay`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(edits || {}) });
    state.exchanges.set(replayed.id, replayed);
    await select(replayed.id);
  } catch (error) {
    message.textContent = `Replay failed: ${error.message}`;
  }
}

function openEditor() {
  const form = document.getElementById('editor');
  const detail = state.detail;
  form.method.value = detail.method;
  form.uri.value = detail.uri;
  form.headers.value = detail.request.headers.map(([name, value]) => `${name}: ${value}`).join('\n');
  form.body.value = textOf(bytesOf(detail.request.body)) || '';
  form.hidden = false;
}

function submitEdits(event) {
  event.preventDefault();
  const form = event.target;
  const headers = form.headers.value.split('\n').map(line => line.trim()).filter(Boolean).map(line => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  }).filter(([name]) => name && name.toLowerCase() !== 'content-length');
  const body = new TextEncoder().encode(form.body.value);
  let binary = '';
  for (const b of body) binary += String.fromCharCode(b);
  replay({ method: form.method.value.trim(), uri: form.uri.value.trim(), headers, body_base64: btoa(binary) });
}

function curlCommand(detail) {
  const quote = text => `'${String(text).replace(/'/g, `'\\''`)}'`;
  const url = new URL(detail.tunnel_url);
  const parts = ['curl', '-X', detail.method, quote(`${url.protocol}//${url.host}${detail.uri}`)];
  for (const [name, value] of detail.request.headers) {
    if (!['host', 'content-length', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']
      .includes(name.toLowerCase())) {
      parts.push('-H', quote(`${name}: ${value}`));
    }
  }
  const text = textOf(bytesOf(detail.request.body));
  if (detail.request.body.size > 0 && text !== null) parts.push('--data-binary', quote(text));
  return parts.join(' ');
}

function showCurl() {
  const box = document.getElementById('curl-text');
  box.value = curlCommand(state.detail);
  box.hidden = false;
  box.select();
  if (navigator.clipboard) navigator.clipboard.writeText(box.value).catch(() => {});
}

// ---- compare ----------------------------------------------------------------------------------------------

function toggleCompare(id, on) {
  state.compare = state.compare.filter(x => x !== id);
  if (on) state.compare.push(id);
  if (state.compare.length > 2) state.compare.shift();
  renderList();
  if (state.compare.length === 2) showDiff(...state.compare);
}

function linesOf(detail) {
  const bodyText = part => textOf(bytesOf(part.body)) ?? `(${part.body.size} bytes of binary)`;
  return [
    `${detail.method} ${detail.uri}`,
    ...detail.request.headers.map(([n, v]) => `${n}: ${v}`),
    '', ...bodyText(detail.request).split('\n'),
    '', `status ${detail.status}`,
    ...detail.response.headers.map(([n, v]) => `${n}: ${v}`),
    '', ...bodyText(detail.response).split('\n')];
}

async function showDiff(leftId, rightId) {
  const [left, right] = await Promise.all([api(`/api/requests/${leftId}`), api(`/api/requests/${rightId}`)]);
  const a = linesOf(left);
  const b = linesOf(right);
  const rows = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const same = a[i] === b[i];
    rows.push(el('tr', {},
      el('td', { class: a[i] === undefined ? 'missing' : same ? '' : 'changed' }, a[i] ?? ''),
      el('td', { class: b[i] === undefined ? 'missing' : same ? '' : 'changed' }, b[i] ?? '')));
  }
  const diff = document.getElementById('diff');
  diff.replaceChildren(el('h2', {}, `#${leftId} and #${rightId} side by side`),
    el('table', {}, el('tr', {}, el('th', {}, `#${leftId}`), el('th', {}, `#${rightId}`)), ...rows));
  diff.hidden = false;
  document.getElementById('detail').hidden = true;
  document.getElementById('nothing-selected').hidden = true;
}

// ---- start ------------------------------------------------------------------------------------------------

document.getElementById('filter').addEventListener('input', renderList);
document.getElementById('replay').addEventListener('click', () => replay(null));
document.getElementById('edit').addEventListener('click', openEditor);
document.getElementById('cancel-edit').addEventListener('click', () => { document.getElementById('editor').hidden = true; });
document.getElementById('editor').addEventListener('submit', submitEdits);
document.getElementById('curl').addEventListener('click', showCurl);
setInterval(() => api('/api/status').then(showStatus).catch(() => {}), 5000);
loadAll().then(listen);
