package resample

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// naiveShuffle builds the wide form by walking the wide tensor and reading
// the deep one, the reverse of the kernel's walk.
func naiveShuffle(deep []float64, s Shuffle) []float64 {
	r := s.R
	wide := make([]float64, s.Len())
	for n := range s.N {
		for c := range s.C {
			for y := range s.H * r {
				for x := range s.W * r {
					dc := c*r*r + (y%r)*r + x%r
					wide[((n*s.C+c)*s.H*r+y)*s.W*r+x] = deep[((n*s.C*r*r+dc)*s.H+y/r)*s.W+x/r]
				}
			}
		}
	}
	return wide
}

func TestShuffle(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, s := range []Shuffle{
		{N: 1, C: 1, H: 1, W: 1, R: 1}, {N: 2, C: 3, H: 2, W: 3, R: 2}, {N: 1, C: 2, H: 3, W: 1, R: 3},
		{N: 0, C: 2, H: 2, W: 2, R: 2}, {N: 3, C: 1, H: 4, W: 5, R: 4}, {N: 2, C: 32, H: 16, W: 16, R: 2},
	} {
		deep := randSlice(rng, s.Len())
		deep0 := slices.Clone(deep)
		wide := make([]float64, s.Len())
		if err := ToWide(wide, deep, s); err != nil {
			t.Fatal(err)
		}
		if want := naiveShuffle(deep, s); !slices.Equal(wide, want) {
			t.Errorf("%+v: ToWide differs from the naive shuffle", s)
		}
		back := make([]float64, s.Len())
		if err := ToDeep(back, wide, s); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(back, deep) || !slices.Equal(deep, deep0) {
			t.Errorf("%+v: ToDeep(ToWide(x)) ≠ x, or x was modified", s)
		}
		// adds into its destination
		if err := ToDeep(back, wide, s); err != nil {
			t.Fatal(err)
		}
		for i := range back {
			if back[i] != 2*deep[i] {
				t.Fatalf("%+v: ToDeep does not add", s)
			}
		}
	}
}

func TestShuffleErrors(t *testing.T) {
	for _, tt := range []struct {
		s    Shuffle
		n    int
		want string
	}{
		{Shuffle{N: 1, C: 1, H: 1, W: 1, R: 0}, 1, "factor must be at least 1, got 0"},
		{Shuffle{N: 1, C: -1, H: 1, W: 1, R: 1}, 1, "non-negative"},
		{Shuffle{N: 1, C: 1, H: 2, W: 2, R: 2}, 15, "wants slices of length 16"},
	} {
		err := ToWide(make([]float32, tt.n), make([]float32, tt.n), tt.s)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ToWide(%+v): %v, want %q", tt.s, err, tt.want)
		}
	}
}
