package conv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// refPad pads one plane the way PyTorch describes each mode, written
// independently of Source: reflect mirrors step by step about the edges,
// circular shifts by whole periods, replicate clamps.
func refPad(b Border, plane []float64, h, w, top, bottom, left, right int) []float64 {
	pick := func(i, n int) int {
		switch b {
		case BorderCircular:
			for i < 0 {
				i += n
			}
			for i >= n {
				i -= n
			}
		case BorderReflect:
			for i < 0 || i >= n {
				if i < 0 {
					i = -i
				}
				if i >= n {
					i = 2*n - 2 - i
				}
			}
		case BorderReplicate:
			if i < 0 {
				i = 0
			}
			if i >= n {
				i = n - 1
			}
		default:
			if i < 0 || i >= n {
				return -1
			}
		}
		return i
	}
	ph, pw := top+h+bottom, left+w+right
	out := make([]float64, ph*pw)
	for i := 0; i < ph; i++ {
		for j := 0; j < pw; j++ {
			r, c := pick(i-top, h), pick(j-left, w)
			if r >= 0 && c >= 0 {
				out[i*pw+j] = plane[r*w+c]
			}
		}
	}
	return out
}

func TestPadKnownValues(t *testing.T) {
	one := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	cases := []struct {
		border                   Border
		top, bottom, left, right int
		want                     [][]float64
	}{
		// PyTorch's F.pad(arange(1, 10).view(1, 1, 3, 3), (1, 1, 1, 1), mode).
		{BorderReflect, 1, 1, 1, 1, [][]float64{{5, 4, 5, 6, 5}, {2, 1, 2, 3, 2}, {5, 4, 5, 6, 5}, {8, 7, 8, 9, 8}, {5, 4, 5, 6, 5}}},
		{BorderCircular, 1, 1, 1, 1, [][]float64{{9, 7, 8, 9, 7}, {3, 1, 2, 3, 1}, {6, 4, 5, 6, 4}, {9, 7, 8, 9, 7}, {3, 1, 2, 3, 1}}},
		{BorderReplicate, 1, 1, 1, 1, [][]float64{{1, 1, 2, 3, 3}, {1, 1, 2, 3, 3}, {4, 4, 5, 6, 6}, {7, 7, 8, 9, 9}, {7, 7, 8, 9, 9}}},
		{BorderZeros, 1, 0, 0, 1, [][]float64{{0, 0, 0, 0}, {1, 2, 3, 0}, {4, 5, 6, 0}, {7, 8, 9, 0}}},
		// Asymmetric, the largest paddings each mode allows on a 3x3 image.
		{BorderReflect, 2, 0, 0, 2, [][]float64{{7, 8, 9, 8, 7}, {4, 5, 6, 5, 4}, {1, 2, 3, 2, 1}, {4, 5, 6, 5, 4}, {7, 8, 9, 8, 7}}},
		{BorderCircular, 0, 3, 3, 0, [][]float64{{1, 2, 3, 1, 2, 3}, {4, 5, 6, 4, 5, 6}, {7, 8, 9, 7, 8, 9}, {1, 2, 3, 1, 2, 3}, {4, 5, 6, 4, 5, 6}, {7, 8, 9, 7, 8, 9}}},
		{BorderReplicate, 0, 0, 0, 4, [][]float64{{1, 2, 3, 3, 3, 3, 3}, {4, 5, 6, 6, 6, 6, 6}, {7, 8, 9, 9, 9, 9, 9}}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v_%d_%d_%d_%d", c.border, c.top, c.bottom, c.left, c.right), func(t *testing.T) {
			p := Padding{Batch: 1, Channels: 1, H: 3, W: 3, Top: c.top, Bottom: c.bottom, Left: c.left, Right: c.right, Border: c.border}
			got := make([]float64, p.PaddedLen())
			Pad(p, one, got)
			want := slices.Concat(c.want...)
			if !slices.Equal(got, want) {
				t.Errorf("Pad = %v, want %v", got, want)
			}
		})
	}
}

// TestFoldCounts checks Fold on ones against hand counts: each pixel
// receives one for every padded position that reads it.
func TestFoldCounts(t *testing.T) {
	ones := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = 1
		}
		return s
	}
	cases := []struct {
		border Border
		want   []float64
	}{
		// 1x3 padded by one column each side: reflect reads pixel 1 at both
		// borders, circular reads 2 on the left and 0 on the right, replicate
		// the edge pixels.
		{BorderReflect, []float64{1, 3, 1}},
		{BorderCircular, []float64{2, 1, 2}},
		{BorderReplicate, []float64{2, 1, 2}},
		{BorderZeros, []float64{1, 1, 1}},
	}
	for _, c := range cases {
		p := Padding{Batch: 1, Channels: 1, H: 1, W: 3, Left: 1, Right: 1, Border: c.border}
		got := make([]float64, 3)
		Fold(p, ones(p.PaddedLen()), nil, got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%v: Fold(ones) = %v, want %v", c.border, got, c.want)
		}
	}
}

// paddings sweeps sizes that include 0 and 1, every mode at and below its
// limit, and batches big enough to run on several goroutines.
func paddings() []Padding {
	var ps []Padding
	for _, b := range []Border{BorderZeros, BorderCircular, BorderReflect, BorderReplicate} {
		for _, s := range []struct{ n, c, h, w, t, bo, l, r int }{
			{1, 1, 1, 1, 0, 0, 0, 0},
			{2, 3, 4, 5, 1, 1, 1, 1},
			{1, 2, 3, 4, 2, 0, 3, 1},
			{1, 1, 5, 2, 4, 3, 1, 1},
			{1, 1, 4, 4, 4, 4, 4, 4},
			{1, 1, 1, 6, 1, 1, 0, 6},
			{0, 2, 3, 3, 1, 1, 1, 1},
			{2, 1, 0, 3, 0, 0, 1, 1},
			{8, 16, 33, 31, 2, 1, 1, 2}, // parallel
		} {
			p := Padding{Batch: s.n, Channels: s.c, H: s.h, W: s.w, Top: s.t, Bottom: s.bo, Left: s.l, Right: s.r, Border: b}
			if p.Validate() == nil {
				ps = append(ps, p)
			}
		}
	}
	return ps
}

func (p Padding) String() string {
	return fmt.Sprintf("%v_n%d_c%d_%dx%d_pad%d,%d,%d,%d", p.Border, p.Batch, p.Channels, p.H, p.W, p.Top, p.Bottom, p.Left, p.Right)
}

func TestPadAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range paddings() {
		t.Run(p.String(), func(t *testing.T) {
			src := randSlice(rng, p.Len())
			orig := slices.Clone(src)
			var want []float64
			for q := 0; q < p.Batch*p.Channels; q++ {
				want = append(want, refPad(p.Border, src[q*p.H*p.W:(q+1)*p.H*p.W], p.H, p.W, p.Top, p.Bottom, p.Left, p.Right)...)
			}
			got := make([]float64, p.PaddedLen())
			for i := range got {
				got[i] = math.NaN() // must be overwritten
			}
			Pad(p, src, got)
			if !slices.Equal(got, want) {
				t.Fatalf("Pad differs from the reference")
			}
			if !slices.Equal(src, orig) {
				t.Fatalf("Pad modified its input")
			}
			// float32 gives the same copies.
			src32, got32 := convert[float32](src), make([]float32, len(got))
			Pad(p, src32, got32)
			for i, v := range got32 {
				if v != float32(want[i]) {
					t.Fatalf("float32 Pad[%d] = %v, want %v", i, v, float32(want[i]))
				}
			}
		})
	}
}

// TestFoldIsAdjoint checks ⟨Pad(x), y⟩ = ⟨x, Fold(y)⟩ in both dtypes, that
// the bias is added once per pixel, and that inputs are not modified.
func TestFoldIsAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, p := range paddings() {
		t.Run(p.String(), func(t *testing.T) {
			x, y := randSlice(rng, p.Len()), randSlice(rng, p.PaddedLen())
			yOrig := slices.Clone(y)
			px := make([]float64, p.PaddedLen())
			Pad(p, x, px)
			fy := make([]float64, p.Len())
			Fold(p, y, nil, fy)
			if !slices.Equal(y, yOrig) {
				t.Fatalf("Fold modified its input")
			}
			lhs, rhs := dot(px, y), dot(x, fy)
			if math.Abs(lhs-rhs) > 1e-12*(1+math.Abs(lhs)) {
				t.Fatalf("<Pad x, y> = %v, <x, Fold y> = %v", lhs, rhs)
			}
			bias := randSlice(rng, p.Channels)
			fb := make([]float64, p.Len())
			Fold(p, y, bias, fb)
			for i := range fb {
				if d := fb[i] - fy[i] - bias[(i/max(1, p.H*p.W))%p.Channels]; math.Abs(d) > 1e-12 {
					t.Fatalf("Fold with bias [%d] = %v, want %v + bias", i, fb[i], fy[i])
				}
			}
			y32, f32 := convert[float32](y), make([]float32, p.Len())
			Fold(p, y32, nil, f32)
			for i, v := range f32 {
				if math.Abs(float64(v)-fy[i]) > 1e-5*(1+math.Abs(fy[i])) {
					t.Fatalf("float32 Fold[%d] = %v, want %v", i, v, fy[i])
				}
			}
		})
	}
}

func TestPaddingValidate(t *testing.T) {
	cases := []struct {
		p    Padding
		want string
	}{
		{Padding{H: 3, W: 3, Top: 3, Border: BorderReflect}, "reflect padding must be smaller than the height 3, got 3 and 0"},
		{Padding{H: 3, W: 2, Right: 3, Border: BorderCircular}, "circular padding must be at most the width 2, got 0 and 3"},
		{Padding{H: 0, W: 2, Top: 1, Border: BorderReplicate}, "replicate padding needs a non-empty height"},
		{Padding{H: 1, W: 1, Left: -1}, "left padding must not be negative, got -1"},
		{Padding{H: 1, W: 1, Border: Border(7)}, "unknown border Border(7)"},
	}
	for _, c := range cases {
		err := c.p.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one containing %q", c.p, err, c.want)
		}
	}
	for _, p := range []Padding{
		{H: 3, W: 3, Top: 2, Bottom: 2, Border: BorderReflect},
		{H: 3, W: 3, Top: 3, Bottom: 3, Border: BorderCircular},
		{H: 1, W: 1, Top: 9, Border: BorderReplicate},
		{H: 0, W: 0, Border: BorderReflect},
		{H: 0, W: 0, Top: 2, Border: BorderZeros},
	} {
		if err := p.Validate(); err != nil {
			t.Errorf("%v: %v", p, err)
		}
	}
}

func BenchmarkPadFloat32(b *testing.B) {
	for _, border := range []Border{BorderZeros, BorderCircular, BorderReflect, BorderReplicate} {
		p := Padding{Batch: 16, Channels: 64, H: 32, W: 32, Top: 1, Bottom: 1, Left: 1, Right: 1, Border: border}
		src, dst := make([]float32, p.Len()), make([]float32, p.PaddedLen())
		b.Run(fmt.Sprintf("%v_16x64x32x32_p1", border), func(b *testing.B) {
			for b.Loop() {
				Pad(p, src, dst)
			}
		})
		b.Run(fmt.Sprintf("fold_%v_16x64x32x32_p1", border), func(b *testing.B) {
			for b.Loop() {
				Fold(p, dst, nil, src)
			}
		})
	}
}
