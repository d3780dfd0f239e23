package analytics

import "sort"

// weighted is an undirected weighted graph over nodes 0..n-1: adj[i][j]
// is the weight between i and j (stored both ways); adj[i][i] holds twice
// the weight inside an aggregated node.
type weighted struct {
	adj []map[int]float64
}

func newWeighted(n int) *weighted {
	w := &weighted{adj: make([]map[int]float64, n)}
	for i := range w.adj {
		w.adj[i] = map[int]float64{}
	}
	return w
}

func (w *weighted) add(i, j int, x float64) {
	if i == j {
		w.adj[i][i] += 2 * x
		return
	}
	w.adj[i][j] += x
	w.adj[j][i] += x
}

// sortedNeighbours lists i's neighbours in ascending order, so every
// pass visits them the same way.
func (w *weighted) sortedNeighbours(i int) []int {
	out := make([]int, 0, len(w.adj[i]))
	for j := range w.adj[i] {
		out = append(out, j)
	}
	sort.Ints(out)
	return out
}

// louvain finds communities by the Louvain method (greedy modularity
// moves, then aggregation, repeated). Nodes are visited in index order and
// ties go to the smallest community, so the same graph always gives the
// same communities. It returns each node's community, numbered from 0 in
// order of the communities' smallest node.
func louvain(g *weighted) []int {
	n := len(g.adj)
	member := make([]int, n) // original node -> current aggregated node
	for i := range member {
		member[i] = i
	}
	for level := 0; level < 20; level++ {
		comm, moved := localMoves(g)
		if !moved {
			break
		}
		relabel(comm)
		k := 0
		for _, c := range comm {
			k = max(k, c+1)
		}
		next := newWeighted(k)
		for i := range g.adj {
			for j, x := range g.adj[i] {
				ci, cj := comm[i], comm[j]
				if ci == cj {
					next.adj[ci][ci] += x
				} else {
					next.adj[ci][cj] += x
				}
			}
		}
		for o := range member {
			member[o] = comm[member[o]]
		}
		g = next
		if k == len(comm) {
			break
		}
	}
	relabel(member)
	return member
}

// localMoves moves each node to the neighbouring community that gains the
// most modularity until no move gains.
func localMoves(g *weighted) ([]int, bool) {
	n := len(g.adj)
	k := make([]float64, n)
	m2 := 0.0
	for i := range g.adj {
		for _, x := range g.adj[i] {
			k[i] += x
		}
		m2 += k[i]
	}
	comm := make([]int, n)
	tot := make([]float64, n)
	for i := range comm {
		comm[i], tot[i] = i, k[i]
	}
	if m2 == 0 {
		return comm, false
	}
	moved := false
	for pass := 0; pass < 50; pass++ {
		improved := false
		for i := 0; i < n; i++ {
			ci := comm[i]
			kin := map[int]float64{}
			for _, j := range g.sortedNeighbours(i) {
				if j != i {
					kin[comm[j]] += g.adj[i][j]
				}
			}
			tot[ci] -= k[i]
			best, bestGain := ci, kin[ci]-tot[ci]*k[i]/m2
			cs := make([]int, 0, len(kin))
			for c := range kin {
				cs = append(cs, c)
			}
			sort.Ints(cs)
			for _, c := range cs {
				if gain := kin[c] - tot[c]*k[i]/m2; gain > bestGain+1e-12 {
					best, bestGain = c, gain
				}
			}
			tot[best] += k[i]
			if best != ci {
				comm[i] = best
				improved, moved = true, true
			}
		}
		if !improved {
			break
		}
	}
	return comm, moved
}

// relabel numbers communities from 0 in order of first appearance.
func relabel(comm []int) {
	ids := map[int]int{}
	for i, c := range comm {
		if _, ok := ids[c]; !ok {
			ids[c] = len(ids)
		}
		comm[i] = ids[c]
	}
}
