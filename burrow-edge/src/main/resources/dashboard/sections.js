import { bytes, count, scope, time } from './format.js';

const enc = encodeURIComponent;

// The dashboard's sections, one entry each, drawn in this order and each refreshed from its endpoint:
//   id        names the section in the page (section-ID) and in `data`, every section's rows by id
//   endpoint  the admin API's GET that lists its rows; list, the field of the answer that holds them
//   key       what tells one row from another across refreshes
//   columns   key (the cell's data-column), label, and value(row, data): the text shown
//   actions   label, method and path(row) of the call a row's button makes; when(row) to show it only then;
//             confirm(row) for the question asked first, for what cannot be undone; danger to mark it so
// A section for another endpoint of the admin API is one more entry here.
export const sections = [
  {
    id: 'sessions',
    title: 'Live sessions',
    endpoint: '/api/sessions',
    list: 'sessions',
    key: s => s.id,
    empty: 'No agent is connected.',
    columns: [
      { key: 'account', label: 'Account', value: s => s.account },
      { key: 'token', label: 'Token', value: s => s.token },
      { key: 'remote', label: 'Remote address', value: s => s.remote_addr },
      { key: 'since', label: 'Connected since', value: s => time(s.connected_at) },
      { key: 'latency', label: 'Latency', value: s => (s.rtt_ms === null ? '—' : `${s.rtt_ms.toFixed(1)} ms`) },
      { key: 'tunnels', label: 'Tunnels', value: s => s.tunnels.map(t => t.url).join('\n') || '—' },
    ],
    actions: [
      { label: 'End session', method: 'DELETE', path: s => `/api/sessions/${enc(s.id)}` },
    ],
  },
  {
    id: 'tunnels',
    title: 'Tunnels',
    endpoint: '/api/tunnels',
    list: 'tunnels',
    key: t => t.id,
    empty: 'No tunnel is bound.',
    columns: [
      { key: 'url', label: 'URL', value: t => t.url },
      { key: 'type', label: 'Type', value: t => t.type },
      { key: 'account', label: 'Account', value: t => t.account },
      { key: 'requests', label: 'Requests', value: t => count(t.requests) },
      { key: 'bytes_in', label: 'Bytes in', value: t => bytes(t.bytes_in) },
      { key: 'bytes_out', label: 'Bytes out', value: t => bytes(t.bytes_out) },
      { key: 'open', label: 'Open now', value: t => count(t.open) },
    ],
  },
  {
    id: 'accounts',
    title: 'Accounts',
    endpoint: '/api/accounts',
    list: 'accounts',
    key: a => a.name,
    empty: 'No account.',
    columns: [
      { key: 'name', label: 'Name', value: a => a.name },
      { key: 'plan', label: 'Plan', value: a => a.plan },
      { key: 'status', label: 'Status', value: a => (a.enabled ? 'enabled' : `disabled ${time(a.disabled_at)}`) },
      {
        key: 'tokens', label: 'Active tokens',
        value: (a, data) => (data.tokens || []).filter(t => t.account === a.name && t.status === 'active')
          .map(t => t.name).join(', ') || '—',
      },
    ],
    actions: [
      { label: 'Disable', method: 'POST', path: a => `/api/accounts/${enc(a.name)}/disable`, when: a => a.enabled },
      { label: 'Enable', method: 'POST', path: a => `/api/accounts/${enc(a.name)}/enable`, when: a => !a.enabled },
      {
        label: 'Delete', method: 'DELETE', path: a => `/api/accounts/${enc(a.name)}`, danger: true,
        confirm: a => `Delete the account ${a.name}, with its tokens and domains? Its agents are cut off. `
          + 'This cannot be undone.',
      },
    ],
  },
  {
    id: 'tokens',
    title: 'Tokens',
    endpoint: '/api/tokens',
    list: 'tokens',
    key: t => t.id,
    empty: 'No token.',
    columns: [
      { key: 'name', label: 'Name', value: t => t.name },
      { key: 'account', label: 'Account', value: t => t.account },
      { key: 'status', label: 'Status', value: t => t.status },
      { key: 'scope', label: 'Scope', value: t => scope(t.scope) },
      { key: 'last_used', label: 'Last used', value: t => time(t.last_used_at) },
    ],
    actions: [
      {
        label: 'Revoke', method: 'DELETE', path: t => `/api/tokens/${enc(t.id)}`, danger: true,
        when: t => t.status === 'active',
        confirm: t => `Revoke the token ${t.name} of ${t.account}? Agents using it are cut off. `
          + 'This cannot be undone.',
      },
    ],
  },
  {
    id: 'usage',
    title: 'Usage this month',
    endpoint: '/api/usage',
    list: 'usage',
    key: u => u.account,
    empty: 'No traffic recorded this month.',
    columns: [
      { key: 'account', label: 'Account', value: u => u.account },
      { key: 'requests', label: 'Requests', value: u => count(u.requests) },
      { key: 'bytes', label: 'Bytes in / out', value: u => `${bytes(u.bytes_in)} / ${bytes(u.bytes_out)}` },
      {
        key: 'bandwidth', label: 'Of the plan\'s bandwidth',
        value: u => (u.bandwidth_per_month === null ? 'no limit'
          : `${Math.round((100 * (u.bytes_in + u.bytes_out)) / Math.max(1, u.bandwidth_per_month))}% of `
            + bytes(u.bandwidth_per_month)),
      },
    ],
  },
  {
    id: 'plans',
    title: 'Plans',
    endpoint: '/api/plans',
    list: 'plans',
    key: p => p.name,
    empty: 'No plan.',
    columns: [
      { key: 'name', label: 'Name', value: p => p.name },
      { key: 'accounts', label: 'Accounts', value: p => count(p.accounts) },
      { key: 'tunnels', label: 'Tunnels', value: p => limit(p.tunnels, count) },
      { key: 'tcp_ports', label: 'TCP ports', value: p => limit(p.tcp_ports, count) },
      { key: 'connections', label: 'Connections', value: p => limit(p.connections, count) },
      { key: 'requests', label: 'Requests / min', value: p => limit(p.requests_per_minute, count) },
      { key: 'bandwidth', label: 'Bandwidth / month', value: p => limit(p.bandwidth_per_month, bytes) },
    ],
  },
  {
    id: 'names',
    title: 'Reserved names',
    endpoint: '/api/names',
    list: 'names',
    key: n => n.name,
    empty: 'No name is reserved.',
    columns: [
      { key: 'name', label: 'Name', value: n => n.name },
      { key: 'account', label: 'Account', value: n => n.account },
      { key: 'since', label: 'Reserved', value: n => time(n.created_at) },
    ],
    actions: [
      {
        label: 'Release', method: 'DELETE', path: n => `/api/names/${enc(n.name)}`, danger: true,
        confirm: n => `Release the name ${n.name}? Any account may then bind it.`,
      },
    ],
  },
  {
    id: 'domains',
    title: 'Domains',
    endpoint: '/api/domains',
    list: 'domains',
    key: d => d.domain,
    empty: 'No domain.',
    columns: [
      { key: 'domain', label: 'Domain', value: d => d.domain },
      { key: 'account', label: 'Account', value: d => d.account },
      {
        key: 'status', label: 'Status',
        value: d => (d.verified ? `verified ${time(d.verified_at)}`
          : `awaits TXT ${d.txt_record.name} = ${d.txt_record.value}`),
      },
    ],
    actions: [
      { label: 'Verify now', method: 'POST', path: d => `/api/domains/${enc(d.domain)}/verify`, when: d => !d.verified },
      {
        label: 'Remove', method: 'DELETE', path: d => `/api/domains/${enc(d.domain)}`, danger: true,
        confirm: d => `Remove the domain ${d.domain} from ${d.account}? Its tunnels stop being bound under it.`,
      },
    ],
  },
];

/** A plan's limit, or "no limit" for null. */
function limit(value, format) {
  return value === null ? 'no limit' : format(value);
}
