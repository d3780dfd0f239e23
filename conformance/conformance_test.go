package conformance

import "testing"

// The issue asks for at least 40 named checks; this keeps the suite from
// shrinking unnoticed.
func TestSuiteHasEnoughChecks(t *testing.T) {
	names := Names()
	if len(names) < 40 {
		t.Fatalf("%d checks, want at least 40", len(names))
	}
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			t.Errorf("check %q registered twice", names[i])
		}
	}
}
