package peers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// A protocol is how one kind of target is asked a question and how its
// answer is read back into ids and labels the checks compare.
type protocol interface {
	request(q any) (Request, error)
	check(q any, status int, body []byte) error
}

// caller binds a protocol to a workload's questions.
type caller struct {
	p protocol
	w Workload
}

func (c caller) Request(i int) Request {
	r, err := c.p.request(c.w.Question(i))
	if err != nil {
		panic(err) // a question a protocol cannot ask is a bug of the harness
	}
	return r
}

func (c caller) Check(i int, status int, body []byte) error {
	return c.p.check(c.w.Question(i), status, body)
}

// graphQLBody is a GraphQL request.
func graphQLBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

// graphQLData decodes a GraphQL response into data, failing on any error
// in it or on a status other than 200.
func graphQLData(status int, body []byte, data any) error {
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return fmt.Errorf("status %d, body not JSON: %.200s", status, body)
	}
	if len(resp.Errors) > 0 {
		return fmt.Errorf("status %d, GraphQL error: %s", status, resp.Errors[0].Message)
	}
	if status != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", status, body)
	}
	return json.Unmarshal(resp.Data, data)
}

// scamGraphProtocol asks ScamGraph's own GraphQL API (targets A, B, C), as
// an analyst with a stated purpose.
type scamGraphProtocol struct{ token string }

const (
	sgLookup  = `query($i:String!,$k:EntityKind){lookup(identifier:$i,kind:$k){key entity{id label}}}`
	sgNetwork = `query($s:[ID!]!,$d:Int,$l:Int){network(seeds:$s,depth:$d,limit:$l){truncated nodes{id}}}`
	sgPath    = `query($f:ID!,$t:ID!){shortestPath(from:$f,to:$t,maxDepth:4){length nodes{id}}}`
)

func (p scamGraphProtocol) request(q any) (Request, error) {
	h := http.Header{"Authorization": {"Bearer " + p.token}, "X-Purpose": {"peer benchmark"},
		"Content-Type": {"application/json"}}
	var body []byte
	switch q := q.(type) {
	case LookupQ:
		body = graphQLBody(sgLookup, map[string]any{"i": q.Key, "k": q.Kind})
	case NetworkQ:
		body = graphQLBody(sgNetwork, map[string]any{"s": []string{q.Seed}, "d": q.Depth, "l": q.Limit})
	case PathQ:
		body = graphQLBody(sgPath, map[string]any{"f": q.From, "t": q.To})
	default:
		return Request{}, fmt.Errorf("scamgraph: no question %T", q)
	}
	return Request{Path: "/graphql", Body: body, Header: h}, nil
}

type idNode struct {
	ID string `json:"id"`
}

func ids(nodes []idNode) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.ID
	}
	return out
}

func (p scamGraphProtocol) check(q any, status int, body []byte) error {
	switch q := q.(type) {
	case LookupQ:
		var d struct {
			Lookup struct {
				Entity *struct{ ID, Label string } `json:"entity"`
			} `json:"lookup"`
		}
		if err := graphQLData(status, body, &d); err != nil {
			return err
		}
		if d.Lookup.Entity == nil {
			return fmt.Errorf("lookup %s: no entity", q.Key)
		}
		return checkLookup(q, d.Lookup.Entity.ID, d.Lookup.Entity.Label)
	case NetworkQ:
		var d struct {
			Network struct {
				Truncated bool     `json:"truncated"`
				Nodes     []idNode `json:"nodes"`
			} `json:"network"`
		}
		if err := graphQLData(status, body, &d); err != nil {
			return err
		}
		return checkNetwork(q, ids(d.Network.Nodes), &d.Network.Truncated)
	case PathQ:
		var d struct {
			ShortestPath *struct {
				Length int      `json:"length"`
				Nodes  []idNode `json:"nodes"`
			} `json:"shortestPath"`
		}
		if err := graphQLData(status, body, &d); err != nil {
			return err
		}
		if d.ShortestPath == nil {
			return fmt.Errorf("shortestPath %s → %s: null", q.From, q.To)
		}
		return checkPath(q, ids(d.ShortestPath.Nodes))
	}
	return fmt.Errorf("scamgraph: no question %T", q)
}

// neo4jGraphQLProtocol asks the @neo4j/graphql server (target D): its
// generated entities query for lookups, its @cypher fields for the rest,
// with the reader's sharing terms as arguments.
type neo4jGraphQLProtocol struct{ terms map[string]any }

const (
	ngLookup = `query($id:ID!){entities(where:{id:{eq:$id}}){id label}}`
	ngArgs   = `agency:$agency,country:$country,sharedTypes:$sharedTypes,granted:$granted`
	ngVars   = `$agency:String!,$country:String!,$sharedTypes:[String!]!,$granted:[String!]!`
	ngPath   = `query($f:ID!,$t:ID!,` + ngVars + `){shortestPath(from:$f,to:$t,` + ngArgs + `)}`
)

func ngNetwork(depth int) string {
	return fmt.Sprintf(`query($s:ID!,$l:Int!,%s){network%d(seed:$s,limit:$l,%s)}`, ngVars, depth, ngArgs)
}

func (p neo4jGraphQLProtocol) vars(extra map[string]any) map[string]any {
	for k, v := range p.terms {
		extra[k] = v
	}
	return extra
}

func (p neo4jGraphQLProtocol) request(q any) (Request, error) {
	h := http.Header{"Content-Type": {"application/json"}}
	var body []byte
	switch q := q.(type) {
	case LookupQ:
		body = graphQLBody(ngLookup, map[string]any{"id": q.ID})
	case NetworkQ:
		body = graphQLBody(ngNetwork(q.Depth), p.vars(map[string]any{"s": q.Seed, "l": q.Limit}))
	case PathQ:
		body = graphQLBody(ngPath, p.vars(map[string]any{"f": q.From, "t": q.To}))
	default:
		return Request{}, fmt.Errorf("neo4j-graphql: no question %T", q)
	}
	return Request{Path: "/", Body: body, Header: h}, nil
}

func (p neo4jGraphQLProtocol) check(q any, status int, body []byte) error {
	switch q := q.(type) {
	case LookupQ:
		var d struct {
			Entities []struct{ ID, Label string } `json:"entities"`
		}
		if err := graphQLData(status, body, &d); err != nil {
			return err
		}
		if len(d.Entities) != 1 {
			return fmt.Errorf("lookup %s: %d entities", q.Key, len(d.Entities))
		}
		return checkLookup(q, d.Entities[0].ID, d.Entities[0].Label)
	case NetworkQ:
		var d map[string][]string
		if err := graphQLData(status, body, &d); err != nil {
			return err
		}
		return checkNetwork(q, d[fmt.Sprintf("network%d", q.Depth)], nil)
	case PathQ:
		var d struct {
			ShortestPath []string `json:"shortestPath"`
		}
		if err := graphQLData(status, body, &d); err != nil {
			return err
		}
		return checkPath(q, d.ShortestPath)
	}
	return fmt.Errorf("neo4j-graphql: no question %T", q)
}

// rawProtocol asks the raw Cypher handler (target E) with query strings
// and reads its plain JSON.
type rawProtocol struct{}

func (rawProtocol) request(q any) (Request, error) {
	switch q := q.(type) {
	case LookupQ:
		return Request{Path: "/lookup?" + url.Values{"kind": {q.Kind}, "key": {q.Key}}.Encode()}, nil
	case NetworkQ:
		return Request{Path: "/network?" + url.Values{"seed": {q.Seed}, "depth": {strconv.Itoa(q.Depth)},
			"limit": {strconv.Itoa(q.Limit)}}.Encode()}, nil
	case PathQ:
		return Request{Path: "/path?" + url.Values{"from": {q.From}, "to": {q.To}}.Encode()}, nil
	}
	return Request{}, fmt.Errorf("raw: no question %T", q)
}

func (rawProtocol) check(q any, status int, body []byte) error {
	if status != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", status, body)
	}
	var a rawAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return fmt.Errorf("body not JSON: %.200s", body)
	}
	switch q := q.(type) {
	case LookupQ:
		return checkLookup(q, a.ID, a.Label)
	case NetworkQ:
		return checkNetwork(q, a.Nodes, &a.Truncated)
	case PathQ:
		return checkPath(q, a.Nodes)
	}
	return fmt.Errorf("raw: no question %T", q)
}

// staticProtocol asks the static handler (target F) for its fixed body.
type staticProtocol struct{}

func (staticProtocol) request(any) (Request, error) { return Request{Path: "/static"}, nil }

func (staticProtocol) check(_ any, status int, body []byte) error {
	if status != http.StatusOK || string(body) != staticBody {
		return fmt.Errorf("static: status %d body %.200s", status, body)
	}
	return nil
}
