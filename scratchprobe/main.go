package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
)

func main() {
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: os.Getenv("NEO4J_URI")})
	if err != nil {
		panic(err)
	}
	a := &intel.Access{Agency: "TH-CCIB", Country: intel.RegionTH, Shared: []intel.Category{intel.CategoryCallRecords, intel.CategoryVoipRegistration, intel.CategoryBankData}}
	seeds := map[int]string{1: "BankAccount:TH:014:4071829305", 2: "PhoneNumber:+66869041377", 3: "PhoneNumber:+6622322560"}
	for d := 1; d <= 3; d++ {
		for i := 0; i < 4; i++ {
			t := time.Now()
			g, err := s.Expand(ctx, intel.ExpandQuery{Seeds: []string{seeds[d]}, Depth: d, MaxNodes: 500, MaxLinks: 2000, Access: a})
			if err != nil {
				panic(err)
			}
			fmt.Println(d, len(g.Nodes), len(g.Links), g.Truncated, time.Since(t))
		}
	}
	d, _ := neo4j.NewDriverWithContext(os.Getenv("NEO4J_URI"), neo4j.NoAuth())
	for _, q := range os.Args[1:] {
		t := time.Now()
		res, err := neo4j.ExecuteQuery(ctx, d, q, map[string]any{}, neo4j.EagerResultTransformer)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(len(res.Records), time.Since(t))
		for _, r := range res.Records[:min(10, len(res.Records))] {
			fmt.Println(r.Values)
		}
		if res.Summary.Profile() != nil {
			printPlan(res.Summary.Profile(), "")
		}
	}
}

func printPlan(p neo4j.ProfiledPlan, ind string) {
	fmt.Printf("%s%s rows=%d hits=%d %v\n", ind, p.Operator(), p.Records(), p.DbHits(), p.Arguments()["Details"])
	for _, c := range p.Children() {
		printPlan(c, ind+"  ")
	}
}
