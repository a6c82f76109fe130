// How the dashboard shows the API's values: counts, byte sizes, times (ISO-8601 in UTC, or null), token scopes.

const counts = new Intl.NumberFormat('en');
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function count(n) {
  return counts.format(n);
}

export function bytes(n) {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** A time in the browser's zone, or `never` for null. */
export function time(iso) {
  return iso === null || iso === undefined ? 'never' : new Date(iso).toLocaleString();
}

/** A token's scope: the tunnel types and names it may bind, and when it expires. */
export function scope(s) {
  const types = s.types.length ? s.types.join(', ') : 'any type';
  const names = s.names.length ? s.names.join(', ') : 'any name';
  return `${types}; ${names}` + (s.expires_at ? `; expires ${time(s.expires_at)}` : '');
}
