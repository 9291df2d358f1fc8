//go:build !openblas

package openblas

import "testing"

func TestAvailable(t *testing.T) {
	if Available {
		t.Error("Available = true in a build without the openblas tag")
	}
}
