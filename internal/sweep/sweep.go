// Package sweep decides how much of an exhaustive test sweep runs. The
// default `go test ./...` is the fast loop: a sweep runs a deterministic
// sample — every k-th case plus the cases known to be hard, so the sample can
// still fail where the full sweep would. JIANYI_TEST_EXHAUSTIVE=1 (CI sets
// it) runs every case.
//
//	for i, c := range cases {
//		if !sweep.Keep(i, 7, isHard(c)) {
//			continue
//		}
//		…
//	}
//	sweep.Log(t, kept, len(cases))
package sweep

import (
	"os"
	"testing"
)

// EnvExhaustive names the variable that turns every sweep on in full.
const EnvExhaustive = "JIANYI_TEST_EXHAUSTIVE"

// Exhaustive reports whether JIANYI_TEST_EXHAUSTIVE asks for full sweeps
// (any value but "", "0" and "false").
func Exhaustive() bool {
	switch os.Getenv(EnvExhaustive) {
	case "", "0", "false":
		return false
	}
	return true
}

// Keep reports whether case i of a sweep runs: always when exhaustive, else
// when i is a multiple of every or the case is hard.
func Keep(i, every int, hard bool) bool {
	return Exhaustive() || hard || every <= 1 || i%every == 0
}

// Runes is all, or when sampling every every-th rune of it (the first
// included) and each rune of hard that all holds, in all's order.
func Runes(all []rune, every int, hard []rune) []rune {
	if Exhaustive() || every <= 1 {
		return all
	}
	want := map[rune]bool{}
	for _, r := range hard {
		want[r] = true
	}
	out := make([]rune, 0, len(all)/every+len(hard))
	for i, r := range all {
		if i%every == 0 || want[r] {
			out = append(out, r)
		}
	}
	return out
}

// Log notes in the test's log how much of a sweep ran.
func Log(t testing.TB, ran, of int) {
	t.Helper()
	if ran < of {
		t.Logf("sampled %d of %d cases; %s=1 runs them all", ran, of, EnvExhaustive)
	}
}
