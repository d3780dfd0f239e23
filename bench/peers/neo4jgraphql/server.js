// Peer D of the ScamGraph peer benchmark: what a team would build with
// Neo4j's own GraphQL library instead of ScamGraph. @neo4j/graphql 7 on
// Apollo Server, over the same Neo4j and the same graph model (one :Entity
// label, one relationship type per link type). Lookups use the library's
// generated query; the network and the shortest path, which the library
// cannot express as a generated query, are @cypher fields. The sharing rules
// ScamGraph applies arrive as arguments, so that both answer the same
// question for the same reader.
//
// Settings come from the environment: NEO4J_URI (required), NEO4J_USER and
// NEO4J_PASSWORD (empty: no auth), PORT (default 4000), HOST (127.0.0.1).
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

// accessPredicate is ScamGraph's sharing rule for a relationship r, with the
// reader's terms as parameters ($agency, $country, $sharedTypes, $granted).
const accessPredicate = `(r.agency = $agency OR r.id IN $granted
     OR (r.visibility <> 'RESTRICTED'
         AND (r.country = $country OR (r.visibility = 'SHAREABLE' AND type(r) IN $sharedTypes))))`;

// networkStatement is a breadth-first expansion of depth levels from $seed,
// one CALL per level, returning the ids of every node reached (seed first),
// at most $limit of them.
function networkStatement(depth) {
  let s = "MATCH (s:Entity {id: $seed})\nWITH [s] AS seen, [s] AS frontier\n";
  for (let i = 0; i < depth; i++) {
    s += `CALL (seen, frontier) {
  UNWIND frontier AS f
  MATCH (f)-[r]-(b:Entity)
  WHERE NOT b IN seen AND ${accessPredicate}
  RETURN collect(DISTINCT b) AS next
}
WITH seen + next AS seen, next AS frontier
`;
  }
  return s + "RETURN [n IN seen[0..$limit] | n.id] AS ids";
}

const shortestPathStatement = `MATCH (a:Entity {id: $from})
MATCH (b:Entity {id: $to})
MATCH p = shortestPath((a)-[rels*1..4]-(b))
WHERE all(r IN rels WHERE ${accessPredicate})
RETURN [n IN nodes(p) | n.id] AS ids`;

const accessArgs = "agency: String!, country: String!, sharedTypes: [String!]!, granted: [String!]!";

const typeDefs = `#graphql
type Entity @node(labels: ["Entity"]) {
  id: ID!
  kind: String
  key: String
  label: String
}

type Query {
  network1(seed: ID!, limit: Int!, ${accessArgs}): [ID!]!
    @cypher(statement: """${networkStatement(1)}""", columnName: "ids")
  network2(seed: ID!, limit: Int!, ${accessArgs}): [ID!]!
    @cypher(statement: """${networkStatement(2)}""", columnName: "ids")
  network3(seed: ID!, limit: Int!, ${accessArgs}): [ID!]!
    @cypher(statement: """${networkStatement(3)}""", columnName: "ids")
  shortestPath(from: ID!, to: ID!, ${accessArgs}): [ID!]
    @cypher(statement: """${shortestPathStatement}""", columnName: "ids")
}
`;

const uri = process.env.NEO4J_URI;
if (!uri) {
  console.error("NEO4J_URI is required");
  process.exit(2);
}
const auth = process.env.NEO4J_USER
  ? neo4j.auth.basic(process.env.NEO4J_USER, process.env.NEO4J_PASSWORD || "")
  : undefined;
const driver = neo4j.driver(uri, auth);
const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
const server = new ApolloServer({ schema: await neoSchema.getSchema() });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT || 4000), host: process.env.HOST || "127.0.0.1" },
});
console.log(`ready ${url}`);

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
  });
}
