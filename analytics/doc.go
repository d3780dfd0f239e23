// Package analytics turns facts into intelligence: an explained risk score
// for every entity, telco findings (call volume over the regulator's daily
// limit in Bangkok time, SIM-box lines, caller-ID spoofing, display
// markers, cross-border fan-out), mule signatures (fan-in, pass-through)
// and rings (communities of the suspicious part of the graph). It imports
// only intel and does no I/O: every function reads a Neighbourhood, the
// bounded subgraph one reader may see, which package fetch reads through
// the reader's view.
//
// # Scoring
//
// Each piece of evidence gives points (0 to 100) and a reason an analyst
// can check (the cases, the facts, the path). Points combine like
// independent probabilities (a noisy-or), so no amount of weak evidence
// passes 100 and one strong piece is never drowned. Evidence decays with
// its age (Params.HalfLife; a state that still holds does not decay).
// Reports count by distinct case; one report scores about 33 (LOW): a
// report is evidence, not proof, and it takes a second independent piece
// to reach MEDIUM. An agency's redress is a fact attribute (see
// ReportStatus): FALSE removes a report, DISPUTED counts it a quarter,
// CONFIRMED makes the level CONFIRMED.
//
// Neighbours lend a share of their own evidence (never what they borrowed,
// so scores never feed back): one hop through presentation, registration,
// transfers received (never paid: victims pay mules), suspects and holders,
// and answered call series; two hops through shared infrastructure (an IP
// address, a holder, a VoIP account), less when the infrastructure is
// crowded like a carrier's NAT.
//
// # SIM boxes
//
// A SIM box is a rack of SIMs in one place, relaying a call centre's
// calls. Each of its lines calls out and is hardly ever called back: at
// least 3 distinct callees, at most 10% of its calls incoming (the
// outgoing-only test), and calls as a SIM in Thailand does: a mobile
// number (a fixed line or a VoIP range is no SIM), most of whose calls
// reached their callees without a +697 or +698 marker (a box exists to
// make calls from abroad look local). A line is grouped with the lines sharing with it
// a device (an IMEI its calls name), a holder (REGISTERED_TO the same
// person), a VoIP account presenting both, an IP address their VoIP
// accounts register from, or a cell its calls name, when each of them
// passes the outgoing-only test too; a group of at least 3 lines whose
// calls, pooled, were answered at most half the time is a SIM_BOX finding
// for each line, naming what they share, which one and how many lines
// share it, with the records (registrations, presentations, each line's
// latest call from the site). A VoIP account registering from an address
// placed abroad ties no numbers: presenting Thai numbers from abroad is
// caller-ID spoofing (its own finding), and the numbers it shows are no
// SIMs in a box; an address more than 20 accounts register from (a
// carrier's NAT, as for shared infrastructure) ties nobody either. A cell serves a whole neighbourhood, so it
// is weaker: lines tied by nothing but a cell must each show the whole
// signature (outgoing only, answered at most half the time, at least half
// of their calls under 60 s), and so must the line scored. A cell with
// more than SiteCallersRead (100) callers in the reader's view is a
// public tower and groups nobody: its ordinary numbers are never read,
// and a rack under it is still found by its IMEIs, which a box cannot
// avoid sharing. A device past the bound groups the lines read at it: no
// handset serves a hundred numbers in ordinary life. A line calling from
// more than 20 cells or devices is a phone on the move; those sites are
// not asked about. The other lines of a site are found with
// Store.CallersAt (cell and IMEI are call attributes, not nodes), only
// through calls the reader may see, and only for lines that pass the
// outgoing-only test, so an ordinary number's score reads nothing more.
//
// # Cost
//
// A score reads a constant number of store round trips for any number of
// entities (three levels of NeighboursOf, see package fetch), each bounded
// in size: the entity's links (calls up to 2,000), then up to 200 links
// of each artefact one hop away and of each one sharing infrastructure.
// Scoring is linear in what was read. The risk of an entity a lookup has
// just read costs one store round trip more than the lookup (its own
// links, without the total count) once what lies around it is in the
// view's memo (fetch.Memo): whether the reader may see it is decided from
// the lookup's own read. The triage behind the risk list and
// the rings starts from the seeds (entities a victim report names,
// artefacts a suspect uses, presented caller IDs: Store.LinkedEntities)
// and walks out from the risky ones for at most fetch.Rounds rounds, so its
// cost grows with the suspicious part of the graph, not with the graph.
// Ring detection (Louvain, deterministic) is near-linear in the links of
// the suspicious subgraph; the ties it adds stay linear too: each line is
// tied to at most a dozen others at a site, and a report ties at most the
// few members it names. Neo4j Community has no graph-algorithm plugin;
// none is needed.
package analytics
