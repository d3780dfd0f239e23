// The network as drawn: the links loaded so far, folded so that many links
// of one type between the same two entities are one edge (with their count
// and, for money, the total per currency), filtered by link type, entity
// kind and time window, and laid out with fCoSE (fast enough for a couple
// of thousand nodes in a browser).
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';

cytoscape.use(fcose);

// Shapes per kind, so that a chart reads without colour too.
export const kindShapes = {
  PhoneNumber: 'ellipse',
  VoipAccount: 'round-rectangle',
  IPAddress: 'diamond',
  BankAccount: 'rectangle',
  Suspect: 'star',
  MessagingAccount: 'hexagon',
  Case: 'tag',
  Person: 'triangle',
};

export const kindColours = {
  PhoneNumber: '#4e79a7',
  VoipAccount: '#76b7b2',
  IPAddress: '#9c755f',
  BankAccount: '#59a14f',
  Suspect: '#b07aa1',
  MessagingAccount: '#edc948',
  Case: '#bab0ac',
  Person: '#ff9da7',
};

// Risk colours the node's border, from none to confirmed.
export const riskColours = { NONE: '#bbbbbb', LOW: '#f1ce63', MEDIUM: '#f28e2b', HIGH: '#e15759', CONFIRMED: '#8b0000' };

function linkTime(l) {
  const p = l.provenance || {};
  const t = p.observedAt || p.validFrom;
  return t ? Date.parse(t) : null;
}

function attr(l, key) {
  const a = (l.attrs || []).find((x) => x.key === key);
  return a ? a.value : '';
}

export class Chart {
  constructor(container, onSelect) {
    this.nodes = new Map(); // id → { id, kind, display, risk }
    this.links = new Map(); // id → link as the API gave it, with time
    this.seeds = new Set();
    this.filter = { types: null, kinds: null, since: null, until: null };
    this.highlight = { nodes: new Set(), links: new Set() };
    this.cy = cytoscape({
      container,
      wheelSensitivity: 0.3,
      minZoom: 0.05,
      maxZoom: 4,
      style: [
        { selector: 'node', style: {
          'shape': (n) => kindShapes[n.data('kind')] || 'ellipse',
          'background-color': (n) => kindColours[n.data('kind')] || '#999',
          'border-width': (n) => (n.data('risk') ? 4 : 1),
          'border-color': (n) => riskColours[n.data('risk')] || '#666',
          'label': 'data(display)',
          'font-size': 9,
          'font-family': 'system-ui, "Noto Sans Thai", "Khmer OS", sans-serif',
          'text-valign': 'bottom',
          'text-margin-y': 3,
          'min-zoomed-font-size': 11,
          'width': 18,
          'height': 18,
        } },
        { selector: 'node.seed', style: { 'width': 28, 'height': 28, 'font-weight': 'bold' } },
        { selector: 'node:selected', style: { 'overlay-color': '#1f77b4', 'overlay-opacity': 0.25 } },
        { selector: 'edge', style: {
          'width': 'data(width)',
          'line-color': '#9aa7b5',
          'target-arrow-color': '#9aa7b5',
          'target-arrow-shape': 'triangle',
          'arrow-scale': 0.6,
          'curve-style': 'bezier',
          'label': 'data(label)',
          'font-size': 7,
          'min-zoomed-font-size': 8,
          'text-rotation': 'autorotate',
        } },
        { selector: 'edge[type = "TRANSFERRED"]', style: { 'line-color': '#59a14f', 'target-arrow-color': '#59a14f' } },
        { selector: '.faded', style: { 'opacity': 0.15 } },
        { selector: '.path', style: { 'line-color': '#d62728', 'target-arrow-color': '#d62728', 'border-color': '#d62728',
          'border-width': 5, 'z-index': 10, 'opacity': 1 } },
      ],
      layout: { name: 'preset' },
    });
    this.cy.on('tap', 'node', (e) => onSelect(e.target.id()));
  }

  // add merges a network answer into what is loaded.
  add(network, seeds = []) {
    for (const s of seeds) this.seeds.add(s);
    for (const n of network.nodes) {
      const prev = this.nodes.get(n.id) || {};
      this.nodes.set(n.id, { ...prev, id: n.id, kind: n.kind, display: (n.entity && n.entity.display) || n.display || n.label,
        risk: (n.entity && n.entity.risk && n.entity.risk.level) || prev.risk || null });
    }
    for (const e of network.edges) {
      const l = e.link || e;
      this.links.set(e.id, { id: e.id, type: e.type, source: e.source, target: e.target, time: linkTime(l),
        amount: Number(attr(l, 'amount')) || 0, currency: attr(l, 'currency'), agency: (l.provenance || {}).agency });
    }
  }

  clear() {
    this.nodes.clear();
    this.links.clear();
    this.seeds.clear();
    // A new network is laid out afresh: no positions carried over.
    this.cy.elements().remove();
    this.clearHighlight();
  }

  // visibleLinks are the loaded links the filters let through.
  visibleLinks() {
    const f = this.filter;
    const out = [];
    for (const l of this.links.values()) {
      if (f.types && !f.types.has(l.type)) continue;
      if (f.since !== null && (l.time === null || l.time < f.since)) continue;
      if (f.until !== null && (l.time === null || l.time >= f.until)) continue;
      const a = this.nodes.get(l.source);
      const b = this.nodes.get(l.target);
      if (!a || !b) continue;
      if (f.kinds && (!f.kinds.has(a.kind) && !this.seeds.has(a.id) || !f.kinds.has(b.kind) && !this.seeds.has(b.id))) continue;
      out.push(l);
    }
    return out;
  }

  // folded groups visible links by ends and type.
  folded(links) {
    const groups = new Map();
    for (const l of links) {
      const k = l.source + '\u0000' + l.target + '\u0000' + l.type;
      let g = groups.get(k);
      if (!g) {
        g = { id: 'fold:' + l.source + '>' + l.target + ':' + l.type, source: l.source, target: l.target, type: l.type,
          count: 0, totals: {}, linkIds: [] };
        groups.set(k, g);
      }
      g.count++;
      g.linkIds.push(l.id);
      if (l.amount) g.totals[l.currency] = (g.totals[l.currency] || 0) + l.amount;
    }
    return [...groups.values()];
  }

  // draw shows what the filters let through, keeping the positions of
  // nodes already drawn and laying out the rest around them.
  async draw({ fit = true } = {}) {
    const links = this.visibleLinks();
    const groups = this.folded(links);
    const shown = new Set(this.seeds);
    for (const l of links) {
      shown.add(l.source);
      shown.add(l.target);
    }
    const old = new Map();
    this.cy.nodes().forEach((n) => old.set(n.id(), { ...n.position() }));
    const elements = [];
    for (const id of shown) {
      const n = this.nodes.get(id);
      if (!n) continue;
      elements.push({ group: 'nodes', data: { id, kind: n.kind, display: n.display, risk: n.risk },
        classes: this.seeds.has(id) ? 'seed' : '', position: old.get(id) });
    }
    for (const g of groups) {
      const totals = Object.entries(g.totals).map(([c, v]) => Math.round(v).toLocaleString('en-US') + ' ' + c).join(', ');
      const label = (g.count > 1 ? g.count + '× ' : '') + totals;
      elements.push({ group: 'edges', data: { id: g.id, source: g.source, target: g.target, type: g.type, count: g.count,
        label, width: Math.min(1 + Math.log2(g.count) * 1.5, 9), linkIds: g.linkIds } });
    }
    const fresh = elements.filter((e) => e.group === 'nodes' && !e.position).length;
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elements);
    });
    this.applyHighlight();
    const t0 = performance.now();
    if (fresh > 0) {
      const big = shown.size > 600;
      await new Promise((resolve) => {
        const layout = this.cy.layout({ name: 'fcose', quality: big ? 'draft' : 'default', randomize: old.size === 0,
          animate: false, fit, padding: 30, nodeDimensionsIncludeLabels: !big, packComponents: true,
          idealEdgeLength: big ? 50 : 90, nodeRepulsion: big ? 4500 : 9000,
          // Constraints keep what was drawn in place when a network grows;
          // fCoSE honours them only at its default quality, so a large
          // network (draft quality) is laid out whole.
          fixedNodeConstraint: !big && old.size > 0 && fresh < shown.size
            ? [...old.entries()].filter(([id]) => shown.has(id)).slice(0, 500).map(([nodeId, position]) => ({ nodeId, position }))
            : undefined });
        layout.one('layoutstop', resolve);
        layout.run();
      });
    } else if (fit) {
      this.cy.fit(undefined, 30);
    }
    this.lastLayoutMs = performance.now() - t0;
    this.drawnLinks = links.length;
    return { nodes: this.cy.nodes().length, edges: this.cy.edges().length, links: links.length };
  }

  // setRisks colours nodes by risk level once the levels are known; the
  // network is drawn first, so that a large one does not wait on scoring.
  setRisks(levels) {
    this.cy.batch(() => {
      for (const [id, level] of Object.entries(levels)) {
        const n = this.nodes.get(id);
        if (n) n.risk = level;
        const el = this.cy.getElementById(id);
        if (el.nonempty()) el.data('risk', level);
      }
    });
  }

  highlightPath(nodeIds, linkIds) {
    this.highlight = { nodes: new Set(nodeIds), links: new Set(linkIds) };
    this.applyHighlight();
  }

  // fitHighlight zooms to what is highlighted, so that a path or a trail
  // drawn into a large network is in view.
  fitHighlight() {
    const on = this.cy.elements('.path');
    if (on.nonempty()) this.cy.fit(on, 40);
  }

  clearHighlight() {
    this.highlight = { nodes: new Set(), links: new Set() };
    this.applyHighlight();
  }

  applyHighlight() {
    const h = this.highlight;
    const on = h.nodes.size > 0 || h.links.size > 0;
    this.cy.batch(() => {
      this.cy.elements().removeClass('path faded');
      if (!on) return;
      this.cy.nodes().forEach((n) => n.addClass(h.nodes.has(n.id()) ? 'path' : 'faded'));
      this.cy.edges().forEach((e) => e.addClass(e.data('linkIds').some((id) => h.links.has(id)) ? 'path' : 'faded'));
    });
  }

  // types and kinds present in what is loaded, for the filter controls.
  presentTypes() {
    return [...new Set([...this.links.values()].map((l) => l.type))].sort();
  }

  presentKinds() {
    return [...new Set([...this.nodes.values()].map((n) => n.kind))].sort();
  }

  // timeRange is the first and last event time loaded.
  timeRange() {
    let lo = Infinity;
    let hi = -Infinity;
    for (const l of this.links.values()) {
      if (l.time === null) continue;
      lo = Math.min(lo, l.time);
      hi = Math.max(hi, l.time);
    }
    return lo <= hi ? [lo, hi] : null;
  }

  select(id) {
    this.cy.elements(':selected').unselect();
    const n = this.cy.getElementById(id);
    if (n.nonempty()) {
      n.select();
      this.cy.animate({ center: { eles: n } }, { duration: 200 });
    }
  }
}
