// Package soak holds the soak test of the service (soak_test.go, behind
// the build tag "soak" so that `go test ./...` leaves it out): the real
// handler over the embedded store serves bounded loopback traffic for a
// long time while the test samples the process's resident memory and the
// size of its data files, and reports their growth once warm. Run it with
// `make soak` (SOAK_DURATION, default 30m).
package soak
