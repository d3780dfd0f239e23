// The GraphQL the page asks, in one place.
export const VIEWER = `query Viewer { viewer { agency { code name country } role keyExpiresAt sharedCategories } }`;

export const LOOKUP = `query Lookup($text: String!, $region: Region) {
  lookup(identifier: $text, region: $region) { valid error key kind markers entity { id } } }`;

export const SEARCH = `query Search($text: String!) {
  search(text: $text, first: 20) { entities { id kind display label } } }`;

const ENTITY_FIELDS = `id kind key label display rawForms firstIngested
  attrs { key value } sensitive { key value }
  summary { linkCount reportCount agencies firstSeen lastSeen linkCounts { type count } }
  risk { score level reasons { kind points text entities } findings { kind text day count } }`;

export const CARD = `query Card($id: ID!) { node(id: $id) { ... on Entity { ${ENTITY_FIELDS}
    links(first: 25) { totalCount edges { direction neighbour { id kind display }
      node { id type eventKey attrs { key value } sensitive { key value }
        provenance { agency country observedAt validFrom validUntil evidenceRef confidence legalBasis visibility } } } }
  }
  ... on PhoneNumber { markers numberType carrier }
  ... on Suspect { legalStatus { status at agency country note } } } }`;

export const NETWORK = `query Network($seeds: [ID!]!, $depth: Int, $limit: Int) {
  network(seeds: $seeds, depth: $depth, limit: $limit) { truncated
    nodes { id kind label entity { display } }
    edges { id type source target link { eventKey attrs { key value }
      provenance { agency country observedAt validFrom validUntil } } } } }`;

export const PATH = `query Path($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to, maxDepth: 6) {
  length nodes { id kind label display } links { id type from { id } to { id } eventKey attrs { key value }
    provenance { agency country observedAt validFrom validUntil } } } }`;

export const TRAIL = `query Trail($from: ID!, $direction: TrailDirection, $maxHops: Int) {
  moneyTrail(from: $from, direction: $direction, maxHops: $maxHops) { direction truncated
    hops { from to time depth amount { amount currency } carried { amount currency }
      currencyChange { account in out }
      link { id type eventKey attrs { key value } provenance { agency country observedAt validFrom validUntil } } }
    accounts { depth fanIn fanOut reachable { amount currency } entity { id kind label display risk { level } } } } }`;

export const RINGS = `query Rings { rings(first: 50) { totalCount nodes { id size caseCount
  membersByKind { kind count } reportedLosses { currency amount } firstActivity lastActivity } } }`;

export const RING = `query Ring($id: ID!) { ring(id: $id) { id size caseCount reportedLosses { currency amount }
  members { id kind display risk { level } } suspects { id display }
  mostConnected { degree entity { id display } } } }`;

export const RISKS = `query Risks($ids: [ID!]!) { nodes(ids: $ids) { id ... on Entity { risk { level } } } }`;
