// A strip of the events in view, per day: how many links of the drawn
// network happened when, so that bursts (a call centre's shift, a cash-out
// day) stand out.
const svgNS = 'http://www.w3.org/2000/svg';

export function drawTimeline(container, links) {
  container.textContent = '';
  const times = links.map((l) => l.time).filter((t) => t !== null).sort((a, b) => a - b);
  if (times.length === 0) {
    container.textContent = 'No dated events in view.';
    return { bins: 0, events: 0 };
  }
  const day = 86400000;
  const first = Math.floor(times[0] / day);
  const last = Math.floor(times[times.length - 1] / day);
  const days = last - first + 1;
  const bins = Math.min(days, 120);
  const per = days / bins;
  const counts = new Array(bins).fill(0);
  for (const t of times) {
    counts[Math.min(bins - 1, Math.floor((Math.floor(t / day) - first) / per))]++;
  }
  const max = Math.max(...counts);
  const w = 600;
  const h = 60;
  const svg = document.createElementNS(svgNS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h + 14}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${times.length} events from ${fmt(times[0])} to ${fmt(times[times.length - 1])}`);
  const bw = w / bins;
  counts.forEach((c, i) => {
    if (!c) return;
    const r = document.createElementNS(svgNS, 'rect');
    const bh = Math.max(1, (c / max) * h);
    r.setAttribute('x', String(i * bw));
    r.setAttribute('y', String(h - bh));
    r.setAttribute('width', String(Math.max(1, bw - 1)));
    r.setAttribute('height', String(bh));
    r.setAttribute('class', 'sg-bar');
    const title = document.createElementNS(svgNS, 'title');
    const from = (first + Math.floor(i * per)) * day;
    title.textContent = `${fmt(from)}: ${c} event${c === 1 ? '' : 's'}`;
    r.appendChild(title);
    svg.appendChild(r);
  });
  for (const [x, t, anchor] of [[0, times[0], 'start'], [w, times[times.length - 1], 'end']]) {
    const label = document.createElementNS(svgNS, 'text');
    label.setAttribute('x', String(x));
    label.setAttribute('y', String(h + 12));
    label.setAttribute('text-anchor', anchor);
    label.setAttribute('class', 'sg-axis');
    label.textContent = fmt(t);
    svg.appendChild(label);
  }
  container.appendChild(svg);
  return { bins: counts.filter(Boolean).length, events: times.length };
}

function fmt(t) {
  return new Date(t).toISOString().slice(0, 10);
}
