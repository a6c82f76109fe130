// Draws the sections that sections.js declares. What is shown comes from the API, names from the edge's users, so
// it is put on the page as text only (textContent, DOM nodes), never as HTML. A refresh keeps each row's element
// and changes only the text that changed, so that a button is not swapped from under a click.

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A section's frame, with no rows yet: its heading, its table's head, the note shown while it has no rows. */
export function frame(section) {
  const heads = section.columns.map(column => el('th', { scope: 'col' }, column.label));
  if (section.actions) heads.push(el('th', { scope: 'col' }));
  return el('section', { id: `section-${section.id}`, class: 'section' },
    el('h2', {}, section.title, ' ', el('span', { class: 'count' })),
    el('table', {}, el('thead', {}, el('tr', {}, ...heads)), el('tbody')),
    el('p', { class: 'note empty', hidden: '' }, section.empty || 'Nothing here.'));
}

const rowsShown = new WeakMap();

/** Shows `rows` in a section; a button calls `act(action, row, button)` with the row as last shown. */
export function fill(section, rows, data, act) {
  const node = document.getElementById(`section-${section.id}`);
  const body = node.querySelector('tbody');
  const kept = new Map([...body.children].map(tr => [tr.dataset.key, tr]));
  const trs = rows.map(row => {
    const key = String(section.key(row));
    const tr = kept.get(key) || newRow(section, key, act);
    rowsShown.set(tr, row);
    update(section, tr, row, data);
    return tr;
  });
  body.replaceChildren(...trs);
  node.querySelector('.count').textContent = `(${rows.length})`;
  node.querySelector('.empty').hidden = rows.length > 0;
}

function newRow(section, key, act) {
  const cells = section.columns.map(column => el('td', { 'data-column': column.key }));
  const tr = el('tr', { 'data-key': key }, ...cells);
  if (section.actions) {
    tr.append(el('td', { class: 'actions' }, ...section.actions.map(action => el('button', {
      type: 'button', class: action.danger ? 'danger' : '',
      onclick: event => act(action, rowsShown.get(tr), event.currentTarget),
    }, action.label))));
  }
  return tr;
}

function update(section, tr, row, data) {
  section.columns.forEach((column, i) => {
    const text = String(column.value(row, data) ?? '—');
    if (tr.cells[i].textContent !== text) tr.cells[i].textContent = text;
  });
  if (section.actions) {
    const buttons = tr.cells[section.columns.length].children;
    section.actions.forEach((action, i) => {
      buttons[i].hidden = action.when ? !action.when(row) : false;
    });
  }
}
