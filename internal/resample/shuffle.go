package resample

import "fmt"

// Shuffle describes PyTorch's pixel shuffle between a deep batch of shape
// (N, C·R², H, W) and a wide one of shape (N, C, H·R, W·R):
//
//	wide[n, c, h·R+i, w·R+j] = deep[n, c·R²+i·R+j, h, w]
type Shuffle struct {
	N, C, H, W int // may be 0
	R          int // the factor; at least 1
}

// Validate reports whether s describes a shuffle.
func (s Shuffle) Validate() error {
	if s.R < 1 {
		return fmt.Errorf("resample: shuffle factor must be at least 1, got %d", s.R)
	}
	if s.N < 0 || s.C < 0 || s.H < 0 || s.W < 0 {
		return fmt.Errorf("resample: shuffle sizes must be non-negative, got N=%d C=%d H=%d W=%d", s.N, s.C, s.H, s.W)
	}
	return nil
}

// Len is the number of elements of either form.
func (s Shuffle) Len() int { return s.N * s.C * s.R * s.R * s.H * s.W }

// ToWide adds the shuffled deep into wide (PyTorch's pixel_shuffle).
func ToWide[T Float](wide, deep []T, s Shuffle) error {
	return shuffle(wide, deep, s, true)
}

// ToDeep adds the unshuffled wide into deep (PyTorch's pixel_unshuffle).
func ToDeep[T Float](deep, wide []T, s Shuffle) error {
	return shuffle(deep, wide, s, false)
}

func shuffle[T Float](dst, src []T, s Shuffle, toWide bool) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if n := s.Len(); len(dst) != n || len(src) != n {
		return fmt.Errorf("resample: shuffle %+v wants slices of length %d, got dst %d and src %d", s, n, len(dst), len(src))
	}
	r, h, w := s.R, s.H, s.W
	wideW := w * r
	group := r * r * h * w // one wide channel, or R² deep channels
	forPlanes(s.N*s.C, group, parallelWork, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			deep := pl * group // deep channels c·R² … c·R²+R²−1 of image n
			wide := pl * group // wide channel c of image n
			for i := range r {
				for j := range r {
					ch := deep + (i*r+j)*h*w
					for y := range h {
						d := ch + y*w
						o := wide + (y*r+i)*wideW + j
						if toWide {
							for x := range w {
								dst[o+x*r] += src[d+x]
							}
						} else {
							for x := range w {
								dst[d+x] += src[o+x*r]
							}
						}
					}
				}
			}
		}
	})
	return nil
}
