// The entity card: what the entity is, how sure and from whom, every fact
// with its provenance, and what is masked for this reader and why.
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return e;
}
export { el };

const day = (t) => (t ? new Date(t).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '');

function provenance(p) {
  const when = p.observedAt ? day(p.observedAt) : [p.validFrom && 'from ' + day(p.validFrom), p.validUntil && 'until ' + day(p.validUntil)].filter(Boolean).join(' ');
  return `${p.agency} (${p.country}) · ${when || 'undated'} · confidence ${p.confidence} · ${p.visibility}` +
    (p.legalBasis ? ' · ' + p.legalBasis : '') + (p.evidenceRef ? ' · evidence ' + p.evidenceRef : '');
}

// renderCard fills container with entity e; masked lists the redactions of
// the answer (id, field, reason); actions are the buttons under the title.
export function renderCard(container, e, masked, actions) {
  container.textContent = '';
  if (!e) {
    container.appendChild(el('p', {}, 'Nothing known under that identifier, or nothing you may see.'));
    return;
  }
  const mine = masked.filter((m) => m.id === e.id);
  const s = e.summary;
  container.appendChild(el('h2', { id: 'sg-card-title', tabindex: '-1' }, e.display));
  container.appendChild(el('p', { class: 'sg-kind' }, `${e.kind} · ${e.key}`));
  if (e.risk) {
    const reasons = e.risk.reasons || [];
    container.appendChild(el('section', { class: 'sg-risk sg-risk-' + e.risk.level, id: 'sg-risk' },
      el('h3', {}, `Risk: ${e.risk.level} (${e.risk.score}/100)`),
      reasons.length === 0 ? el('p', {}, 'Nothing you may see points to a scam.')
        : el('ul', {}, reasons.map((r) => el('li', {}, el('strong', {}, `+${r.points} `), r.text)))));
  }
  container.appendChild(el('div', { class: 'sg-actions' }, actions));
  const facts = [
    ['Reports (distinct cases)', s.reportCount],
    ['Links', `${s.linkCount} (` + s.linkCounts.map((c) => `${c.count} ${c.type}`).join(', ') + ')'],
    ['Reported by', s.agencies.join(', ')],
    ['First and last seen', `${day(s.firstSeen)} – ${day(s.lastSeen)}`],
  ];
  if (e.numberType) facts.push(['Number type', e.numberType + (e.carrier ? ' · allocated to ' + e.carrier : '')]);
  if (e.markers && e.markers.length) facts.push(['Display markers', e.markers.join(' ')]);
  if (e.rawForms.length) facts.push(['Seen as', e.rawForms.join(' · ')]);
  for (const a of e.attrs) facts.push([a.key, a.value]);
  for (const a of e.sensitive) facts.push([a.key + ' (personal)', a.value]);
  container.appendChild(el('dl', {}, facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))])));
  if (mine.length) {
    container.appendChild(el('section', { class: 'sg-masked', id: 'sg-masked' }, el('h3', {}, 'Masked for you'),
      el('ul', {}, mine.map((m) => el('li', {}, el('strong', {}, m.field), ': ', m.reason)))));
  }
  if (e.legalStatus) {
    container.appendChild(el('section', { id: 'sg-legal' }, el('h3', {}, 'Legal status'),
      e.legalStatus.length === 0 ? el('p', {}, 'No step you may see.')
        : el('ol', {}, e.legalStatus.map((st) => el('li', {}, `${st.status} · ${day(st.at)} · ${st.agency} (${st.country})` + (st.note ? ' · ' + st.note : ''))))));
  }
  const links = e.links;
  container.appendChild(el('h3', {}, `Facts (${links.edges.length} of ${links.totalCount}, newest first)`));
  container.appendChild(el('ul', { class: 'sg-facts' }, links.edges.map((edge) => {
    const l = edge.node;
    const attrs = l.attrs.map((a) => `${a.key}=${a.value}`).join(' ');
    const lm = masked.filter((m) => m.id === l.id);
    return el('li', {},
      el('span', { class: 'sg-fact-type' }, `${edge.direction === 'OUT' ? '→' : '←'} ${l.type}`), ' ',
      el('span', {}, edge.neighbour.display), attrs ? ' · ' + attrs : '',
      el('div', { class: 'sg-prov' }, provenance(l.provenance)),
      lm.length ? el('div', { class: 'sg-prov sg-masked-inline' }, 'masked: ' + lm.map((m) => `${m.field} (${m.reason})`).join('; ')) : null);
  })));
}
