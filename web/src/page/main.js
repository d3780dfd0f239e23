// The analysts' page at /: type a number in any format or script, see what
// it is and the network around it, follow it, and carry it out as a file.
// Everything goes through /graphql and /export with the person's own key.
import { session } from '../session.js';
import { gql, download, whenKeyRefused, APIError } from './api.js';
import { VIEWER, LOOKUP, SEARCH, CARD, NETWORK, PATH, TRAIL, RINGS, RING, RISKS } from './queries.js';
import { Chart, kindColours, kindShapes } from './graph.js';
import { renderCard, el } from './card.js';
import { drawTimeline } from './timeline.js';

const $ = (id) => document.getElementById(id);
const formats = [['graphml', 'GraphML'], ['gexf', 'GEXF (Gephi)'], ['cytoscape', 'Cytoscape JSON'], ['csv', 'CSV (zip)'], ['i2', 'i2 ANB CSV']];

// state is what the page shows, readable by people debugging and by the
// browser tests (window.scamgraph).
const state = { ready: false, busy: 0, seeds: [], selected: null, drawn: { nodes: 0, edges: 0, links: 0 },
  lastLayoutMs: 0, downloads: [], error: null, timeline: null, path: null, loadedAt: null };
window.scamgraph = state;

let chart;

function status(text, isError = false) {
  const s = $('sg-status');
  s.textContent = text;
  s.classList.toggle('sg-error', isError);
  if (isError) state.error = text;
}

async function busy(what, fn) {
  state.busy++;
  status(what + '…');
  try {
    const r = await fn();
    status('');
    return r;
  } catch (err) {
    status(err instanceof APIError ? err.message : 'Something went wrong: ' + err.message, true);
    return undefined;
  } finally {
    state.busy--;
  }
}

function showKeyProblem(text) {
  const p = $('sg-problem');
  p.textContent = text;
  p.hidden = !text;
}

async function start() {
  $('sg-key').value = session.key();
  $('sg-purpose').value = session.purpose();
  $('sg-keyform').addEventListener('submit', (e) => {
    e.preventDefault();
    session.set($('sg-key').value.trim(), $('sg-purpose').value.trim());
    showKeyProblem('');
    loadViewer();
  });
  $('sg-forget').addEventListener('click', () => {
    session.forget();
    $('sg-key').value = '';
    $('sg-viewer').textContent = 'No key entered.';
    $('sg-app').hidden = true;
  });
  whenKeyRefused((text) => {
    showKeyProblem(text);
    $('sg-app').hidden = true;
  });
  chart = new Chart($('sg-cy'), (id) => select(id));
  $('sg-search').addEventListener('submit', (e) => {
    e.preventDefault();
    find($('sg-q').value);
  });
  $('sg-pathform').addEventListener('submit', (e) => {
    e.preventDefault();
    pathTo($('sg-pathto').value);
  });
  $('sg-clearpath').addEventListener('click', () => {
    chart.clearHighlight();
    state.path = null;
  });
  for (const id of ['sg-since', 'sg-until']) $(id).addEventListener('change', applyFilters);
  $('sg-fit').addEventListener('click', () => chart.cy.fit(undefined, 30));
  $('sg-showrings').addEventListener('click', showRings);
  const exp = $('sg-exports');
  for (const [f, name] of formats) {
    exp.appendChild(el('button', { type: 'button', id: 'sg-export-' + f, onclick: () => exportAs(f) }, name));
  }
  if (session.key()) await loadViewer();
  state.loadedAt = performance.now();
  state.ready = true;
}

async function loadViewer() {
  const r = await busy('Checking the key', () => gql(VIEWER));
  if (!r) return;
  const v = r.data.viewer;
  $('sg-viewer').textContent = `${v.agency.name} (${v.agency.code}, ${v.agency.country}) · ${v.role} · shared with you now: ` +
    (v.sharedCategories.length ? v.sharedCategories.join(', ') : 'nothing across the border');
  $('sg-region').value = v.agency.country;
  $('sg-app').hidden = false;
  $('sg-q').focus();
}

// find reads what was typed as an identifier first (any format, any
// script's digits), then as part of one, a name or a reference.
async function find(text) {
  text = text.trim();
  if (!text) return;
  $('sg-results').textContent = '';
  await busy('Looking up ' + text, async () => {
    const { data } = await gql(LOOKUP, { text, region: $('sg-region').value });
    const l = data.lookup;
    if (l.entity) {
      await open(l.entity.id);
      return;
    }
    let found = [];
    try {
      found = (await gql(SEARCH, { text })).data.search.entities;
    } catch (err) {
      if (!(err instanceof APIError) || err.code !== 'BAD_USER_INPUT') throw err;
    }
    if (found.length === 1) {
      await open(found[0].id);
      return;
    }
    const box = $('sg-results');
    if (found.length === 0) {
      box.appendChild(el('p', {}, l.valid ? `${l.key} is a valid ${l.kind}, but nothing you may see is known about it.`
        : `Not found. ${l.error ? 'As an identifier: ' + l.error : ''}`));
      return;
    }
    box.appendChild(el('p', {}, `${found.length} found:`));
    box.appendChild(el('ul', {}, found.map((e) => el('li', {},
      el('button', { type: 'button', class: 'sg-link', onclick: () => open(e.id) }, `${e.display} (${e.kind})`)))));
  });
}

async function loadCard(id) {
  const r = await gql(CARD, { id });
  const e = r.data.node;
  const actions = e ? [
    el('button', { type: 'button', id: 'sg-expand', onclick: () => expand(e.id) }, 'Expand in the network'),
    el('button', { type: 'button', id: 'sg-centre', onclick: () => open(e.id) }, 'Centre the network here'),
  ] : [];
  if (e && e.kind === 'BankAccount') {
    actions.push(el('button', { type: 'button', id: 'sg-trail-forward', onclick: () => trail(e.id, 'FORWARD') }, 'Where did the money go?'));
    actions.push(el('button', { type: 'button', id: 'sg-trail-backward', onclick: () => trail(e.id, 'BACKWARD') }, 'Where did it come from?'));
  }
  renderCard($('sg-card'), e, r.redactions, actions);
  state.card = e ? { id: e.id, kind: e.kind, display: e.display, risk: e.risk ? e.risk.level : null,
    reasons: e.risk ? e.risk.reasons.length : 0, masked: r.redactions.filter((m) => m.id === e.id).length,
    facts: e.links.edges.length, reportCount: e.summary.reportCount } : null;
  return e;
}

// open shows an entity's card and the network around it.
async function open(id) {
  await busy('Loading ' + id, async () => {
    state.selected = id;
    const e = await loadCard(id);
    if (!e) return;
    const { data } = await gql(NETWORK, { seeds: [id], depth: Number($('sg-depth').value), limit: Number($('sg-limit').value) });
    chart.clear();
    chart.add(data.network, [id]);
    state.seeds = [id];
    state.truncated = data.network.truncated;
    state.opened = (state.opened || 0) + 1;
    exporting('network', {});
    buildFilters();
    await redraw(true);
    chart.select(id);
    $('sg-card-title').focus();
  });
}

async function select(id) {
  await busy('Loading ' + id, async () => {
    state.selected = id;
    chart.select(id);
    await loadCard(id);
  });
}

// expand adds the entity's own neighbours to the drawing.
async function expand(id) {
  await busy('Expanding ' + id, async () => {
    const { data } = await gql(NETWORK, { seeds: [id], depth: 1, limit: 300 });
    chart.add(data.network, []);
    buildFilters();
    await redraw(false);
    chart.select(id);
    state.expanded = (state.expanded || 0) + 1;
  });
}

// money shows a Money as the API gives it, exact decimal text in the
// currency's major unit, with the thousands grouped; it never goes through
// a float, so a court figure is shown to the satang as recorded.
const money = (m) => {
  const [whole, cents] = String(m.amount).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}${cents && Number(cents) ? '.' + cents : ''} ${m.currency}`;
};

// trail follows the money from (or to) an account over transfers that
// respect time and amounts, draws it, and lists its hops in time order.
async function trail(id, direction) {
  await busy('Following the money', async () => {
    const { data } = await gql(TRAIL, { from: id, direction, maxHops: 4 });
    const t = data.moneyTrail;
    chart.add({ nodes: t.accounts.map((a) => a.entity),
      edges: t.hops.map((h) => ({ id: h.link.id, type: 'TRANSFERRED', source: h.from, target: h.to, link: h.link })) });
    buildFilters();
    await redraw(false);
    chart.highlightPath(t.accounts.map((a) => a.entity.id), t.hops.map((h) => h.link.id));
    chart.fitHighlight();
    const box = $('sg-trail');
    box.textContent = '';
    box.hidden = false;
    const fan = new Map(t.accounts.map((a) => [a.entity.id, a]));
    const name = (aid) => (fan.get(aid) ? fan.get(aid).entity.display : aid);
    box.appendChild(el('h3', {}, `Money trail ${direction === 'FORWARD' ? 'from' : 'to'} ${name(id)}: ${t.hops.length} transfers in time order` +
      (t.truncated ? ' (cut at a cap)' : '')));
    box.appendChild(el('ol', { id: 'sg-trail-hops' }, t.hops.map((h) => el('li', {},
      `${h.time.replace('T', ' ').slice(0, 16)} · ${name(h.from)} → ${name(h.to)} · ${money(h.amount)}`,
      h.carried.amount !== h.amount.amount ? ` (at most ${money(h.carried)} of the trail's money)` : '',
      h.currencyChange ? el('strong', {}, ` · currency change at ${name(h.currencyChange.account)}: ${h.currencyChange.in} in, ${h.currencyChange.out} out`) : '',
      fan.get(h.to) && fan.get(h.to).fanIn ? ' · fan-in' : '', fan.get(h.from) && fan.get(h.from).fanOut ? ' · fan-out' : ''))));
    exporting('money trail', { trail: id, direction, maxHops: '4' });
    state.trail = { direction, hops: t.hops.length, accounts: t.accounts.length,
      ordered: t.hops.every((h, i) => i === 0 || t.hops[i - 1].time <= h.time),
      currencyChanges: t.hops.filter((h) => h.currencyChange).length,
      highlightedEdges: chart.cy.edges('.path').length, hopIds: t.hops.slice(0, 3).map((h) => h.link.id),
      edgeIds: chart.cy.edges().slice(0, 3).map((e) => e.data('linkIds')) };
    status(`Money trail: ${t.hops.length} transfers reaching ${t.accounts.length - 1} accounts.`);
  });
}

// showRings lists the rings of the reader's view; choosing one draws its
// members and the links between them.
async function showRings() {
  await busy('Listing rings', async () => {
    const { data } = await gql(RINGS);
    const box = $('sg-rings');
    box.textContent = '';
    box.hidden = false;
    box.appendChild(el('h3', {}, `${data.rings.totalCount} rings in what you may see`));
    box.appendChild(el('ul', {}, data.rings.nodes.map((r) => el('li', {},
      el('button', { type: 'button', class: 'sg-link', onclick: () => showRing(r.id) },
        `${r.size} members, ${r.caseCount} cases` + (r.reportedLosses.length ? ', losses ' + r.reportedLosses.map(money).join(' + ') : '') +
        ' · ' + r.membersByKind.map((k) => `${k.count} ${k.kind}`).join(', '))))));
    state.rings = data.rings.totalCount;
  });
}

async function showRing(id) {
  await busy('Loading the ring', async () => {
    const { data } = await gql(RING, { id });
    const r = data.ring;
    if (!r) throw new APIError('That ring is no longer in your view.', 'NOT_FOUND');
    const members = r.members.map((m) => m.id);
    const { data: net } = await gql(NETWORK, { seeds: members.slice(0, 100), depth: 1, limit: Math.max(members.length * 3, 200) });
    chart.clear();
    chart.add(net.network, members.slice(0, 100));
    state.seeds = members.slice(0, 100);
    buildFilters();
    await redraw(true);
    chart.highlightPath(members, []);
    exporting('ring', { ring: r.id });
    state.ring = { id: r.id, size: r.size, drawnMembers: chart.cy.nodes().filter((n) => members.includes(n.id())).length };
    status(`Ring of ${r.size} members, ${r.caseCount} cases; most connected: ` + r.mostConnected.map((m) => m.entity.display).join(', '));
  });
}

async function pathTo(text) {
  if (!state.selected || !text.trim()) return;
  await busy('Finding a path', async () => {
    let to = text.trim();
    if (!/^[A-Za-z]+:/.test(to) || to.startsWith('+')) {
      const { data } = await gql(LOOKUP, { text: to, region: $('sg-region').value });
      if (!data.lookup.entity) throw new APIError(`Nothing you may see is known as ${to}.`, 'NOT_FOUND');
      to = data.lookup.entity.id;
    }
    const { data } = await gql(PATH, { from: state.selected, to });
    const p = data.shortestPath;
    if (!p) {
      status(`No path within 6 links between ${state.selected} and ${to} in what you may see.`);
      state.path = { length: -1 };
      return;
    }
    chart.add({ nodes: p.nodes, edges: p.links.map((l) => ({ id: l.id, type: l.type, source: l.from.id, target: l.to.id, link: l })) });
    buildFilters();
    await redraw(false);
    chart.highlightPath(p.nodes.map((n) => n.id), p.links.map((l) => l.id));
    chart.fitHighlight();
    state.path = { length: p.length, nodes: p.nodes.map((n) => n.id), links: p.links.map((l) => l.id) };
    status(`Path of ${p.length} link${p.length === 1 ? '' : 's'}: ` + p.nodes.map((n) => n.display).join(' → '));
  });
}

function checked(container) {
  const boxes = [...container.querySelectorAll('input[type=checkbox]')];
  return new Set(boxes.filter((b) => b.checked).map((b) => b.value));
}

// buildFilters offers a box per link type and kind loaded, keeping choices.
function buildFilters() {
  for (const [id, values, field] of [['sg-types', chart.presentTypes(), 'types'], ['sg-kinds', chart.presentKinds(), 'kinds']]) {
    const box = $(id);
    const before = box.children.length ? checked(box) : null;
    box.textContent = '';
    for (const v of values) {
      const input = el('input', { type: 'checkbox', value: v, id: `sg-${field}-${v}` });
      input.checked = !before || before.has(v) || !box.dataset.known || !box.dataset.known.split(',').includes(v);
      input.addEventListener('change', applyFilters);
      const swatch = field === 'kinds' ? el('span', { class: 'sg-swatch', style: `background:${kindColours[v]}`, title: kindShapes[v] }) : null;
      box.appendChild(el('label', { for: input.id }, input, swatch, ' ' + v));
    }
    box.dataset.known = values.join(',');
  }
  const range = chart.timeRange();
  if (range) {
    $('sg-since').min = $('sg-until').min = new Date(range[0]).toISOString().slice(0, 10);
    $('sg-since').max = $('sg-until').max = new Date(range[1] + 86400000).toISOString().slice(0, 10);
  }
}

// readFilters takes the filters from the controls as they are now, so that
// a link type or kind that appears later (a trail's transfers, say) is
// drawn when its box is ticked.
function readFilters() {
  const since = $('sg-since').value;
  const until = $('sg-until').value;
  chart.filter = {
    types: checked($('sg-types')),
    kinds: checked($('sg-kinds')),
    since: since ? Date.parse(since + 'T00:00:00Z') : null,
    until: until ? Date.parse(until + 'T00:00:00Z') + 86400000 : null,
  };
}

async function applyFilters() {
  await redraw(false);
}

// colourByRisk asks the risk levels of the drawn entities that have none
// yet, a hundred at a time, after the drawing: scoring a large network
// takes longer than drawing it, and the picture should not wait for it.
let riskRound = 0;
async function colourByRisk() {
  const round = ++riskRound;
  const ids = chart.cy.nodes().map((n) => n.id()).filter((id) => !chart.nodes.get(id).risk);
  state.riskPending = ids.length;
  for (let i = 0; i < ids.length && round === riskRound; i += 100) {
    try {
      const { data } = await gql(RISKS, { ids: ids.slice(i, i + 100) });
      const levels = {};
      for (const n of data.nodes) if (n && n.risk) levels[n.id] = n.risk.level;
      chart.setRisks(levels);
    } catch (err) {
      status('Risk colours are incomplete: ' + err.message, true);
      break;
    }
    state.riskPending = Math.max(0, ids.length - i - 100);
  }
}

async function redraw(fit) {
  readFilters();
  const drawn = await chart.draw({ fit });
  colourByRisk();
  state.drawn = drawn;
  state.lastLayoutMs = chart.lastLayoutMs;
  state.timeline = drawTimeline($('sg-timeline'), chart.visibleLinks());
  $('sg-count').textContent = `${drawn.nodes} entities, ${drawn.edges} edges drawn (${drawn.links} links)` +
    (state.truncated ? ' · the network was cut at the node limit' : '');
  const list = $('sg-inview');
  list.textContent = '';
  const nodes = chart.cy.nodes().sort((a, b) => b.degree() - a.degree()).slice(0, 200);
  nodes.forEach((n) => list.appendChild(el('li', {}, el('button', { type: 'button', class: 'sg-link', onclick: () => select(n.id()) },
    `${n.data('display')} (${n.data('kind')}, ${n.degree()})`))));
}

// exporting says what the export buttons carry out: the network around
// the seeds, the ring shown, or the money trail shown.
function exporting(what, params) {
  state.exportTarget = { what, params };
  $('sg-exportwhat').textContent = what;
}

async function exportAs(format) {
  const target = state.exportTarget;
  if (!target) return;
  const q = new URLSearchParams({ format, ...target.params });
  if (target.what === 'network') {
    q.set('depth', $('sg-depth').value);
    q.set('limit', $('sg-limit').value);
    for (const s of state.seeds) q.append('seed', s);
  }
  const got = await busy('Exporting ' + format, () => download('/export?' + q.toString(), 'scamgraph-network.' + format));
  if (got) {
    state.downloads.push({ format, what: target.what, ...got });
    status(`Saved ${got.name} (${got.size.toLocaleString('en-US')} bytes).`);
  }
}

start();
