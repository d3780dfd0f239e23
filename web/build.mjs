// Bundles the browser pages into ../webui/dist, which is committed and
// embedded in the binary (so `make run` needs only Go). `make assets` runs
// this; CI runs it again and fails if the committed files differ, so the
// bundle always matches the pinned packages and the sources.
//
// The explorer opens with the README's example queries as tabs: they are
// read from the "Example queries" section here, at build time, so the README
// stays the one place they are written.
import { build } from 'esbuild';
import { readFileSync, mkdirSync, rmSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'webui', 'dist');

// readmeExamples returns one tab per ```graphql block of the README's
// "Example queries" section, titled by the sentence that introduces it.
export function readmeExamples(readme) {
  const start = readme.indexOf('\n## Example queries');
  if (start < 0) throw new Error('README.md has no "## Example queries" section');
  const rest = readme.slice(start + 1);
  const next = rest.indexOf('\n## ', 3);
  const section = next < 0 ? rest : rest.slice(0, next);
  const tabs = [];
  const block = /([^\n]*(?:\n(?!```)[^\n]+)*)\n\n```graphql\n([\s\S]*?)\n```/g;
  let m;
  while ((m = block.exec(section)) !== null) {
    const intro = m[1].trim().split('\n').join(' ').replace(/^#+\s*/, '');
    const query = named(m[2], intro);
    tabs.push({ query: (intro ? '# ' + intro + '\n' : '') + query + '\n' });
  }
  if (tabs.length === 0) throw new Error('README.md\'s example section has no graphql blocks');
  return tabs;
}

// named gives an anonymous example an operation name, which GraphiQL shows
// as the tab's title: the first words of its introduction, or else its
// first field ("Look up a number as…" becomes LookUpANumber).
function named(query, intro) {
  const m = /^\s*(query|mutation|subscription)?\s*\{/.exec(query);
  if (!m) return query; // already named
  let words = intro.replace(/[^A-Za-z0-9 ]+/g, ' ').trim().split(/\s+/).filter(Boolean).slice(0, 4);
  if (words.length === 0) {
    const field = /\{\s*(?:\w+\s*:\s*)?(\w+)/.exec(query);
    words = [field ? field[1] : 'Example'];
  }
  const name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return query.replace(/^\s*(query|mutation|subscription)?\s*\{/, (_, kind) => (kind || 'query') + ' ' + name + ' {');
}

const examples = readmeExamples(readFileSync(join(here, '..', 'README.md'), 'utf8'));

// The examples reach the bundle as a virtual module, so no generated file
// sits in the source tree.
const examplesPlugin = {
  name: 'scamgraph-examples',
  setup(b) {
    b.onResolve({ filter: /^scamgraph:examples$/ }, (args) => ({ path: args.path, namespace: 'scamgraph' }));
    b.onLoad({ filter: /.*/, namespace: 'scamgraph' }, () => ({ contents: JSON.stringify(examples), loader: 'json' }));
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: {
    explorer: join(here, 'src', 'explorer.jsx'),
    page: join(here, 'src', 'page', 'main.js'),
    'page-style': join(here, 'src', 'page', 'page.css'),
  },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  outdir: out,
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file' },
  assetNames: '[name]-[hash]',
  plugins: [examplesPlugin],
  logLevel: 'warning',
});
copyFileSync(join(here, 'src', 'explorer.html'), join(out, 'explorer.html'));
copyFileSync(join(here, 'src', 'page', 'index.html'), join(out, 'index.html'));
console.log(`web: ${examples.length} example tabs; bundle written to ${out}`);
