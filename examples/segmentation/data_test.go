package main

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/gorgonia-ext/convtranspose/internal/mnist"
)

// mnistSets loads both MNIST splits once for every test.
var mnistSets = sync.OnceValues(func() ([2]*mnist.Set, error) {
	var out [2]*mnist.Set
	dir, err := mnist.Find("")
	if err != nil {
		return out, err
	}
	for i, s := range []mnist.Split{mnist.Train, mnist.Test} {
		if out[i], err = mnist.Load(dir, s); err != nil {
			return out, err
		}
	}
	return out, nil
})

func loadSets(t testing.TB) (train, test *mnist.Set) {
	t.Helper()
	sets, err := mnistSets()
	if err != nil {
		t.Fatal(err)
	}
	return sets[0], sets[1]
}

// checkSample checks every invariant of a sample composed from set: 1 to MaxDigits digits, each wholly
// on the canvas and a copy of its MNIST tile's ink, ink boxes pairwise disjoint, every pixel outside
// them blank, and the mask equal to the digit's label + 1 exactly where the intensity exceeds
// InkThreshold.
func checkSample(t *testing.T, i int, s Sample, set *mnist.Set) {
	t.Helper()
	if len(s.Pixels) != Height*Width || len(s.Mask) != Height*Width {
		t.Fatalf("sample %d: %d pixels and %d mask values, want %d", i, len(s.Pixels), len(s.Mask), Height*Width)
	}
	if n := len(s.Digits); n < 1 || n > MaxDigits {
		t.Errorf("sample %d: %d digits, want 1 to %d", i, n, MaxDigits)
	}
	owner := make([]int, Height*Width) // digit index + 1 whose ink box holds the pixel
	for k, d := range s.Digits {
		b := d.Ink
		if b.Top < 0 || b.Left < 0 || b.Bottom > Height || b.Right > Width || b.Top >= b.Bottom || b.Left >= b.Right {
			t.Fatalf("sample %d digit %d: ink box %+v not inside the %dx%d canvas", i, k, b, Height, Width)
		}
		if d.Label != set.Labels[d.Source] {
			t.Errorf("sample %d digit %d: label %d, but MNIST image %d is a %d", i, k, d.Label, d.Source, set.Labels[d.Source])
		}
		for j, e := range s.Digits[:k] {
			if b.Overlaps(e.Ink) {
				t.Errorf("sample %d: ink boxes of digits %d %+v and %d %+v overlap", i, j, e.Ink, k, b)
			}
		}
		src := inkBox(set.Image(d.Source))
		if src.Bottom-src.Top != b.Bottom-b.Top || src.Right-src.Left != b.Right-b.Left {
			t.Fatalf("sample %d digit %d: ink box %+v, but the tile's ink is %+v", i, k, b, src)
		}
		tile := set.Image(d.Source)
		for y := b.Top; y < b.Bottom; y++ {
			for x := b.Left; x < b.Right; x++ {
				at := y*Width + x
				owner[at] = k + 1
				p := tile[(y-b.Top+src.Top)*mnist.Cols+x-b.Left+src.Left]
				if s.Pixels[at] != p {
					t.Fatalf("sample %d digit %d: pixel (%d, %d) is %d, the tile has %d", i, k, y, x, s.Pixels[at], p)
				}
				want := uint8(0)
				if p > InkThreshold {
					want = d.Label + 1
				}
				if s.Mask[at] != want {
					t.Fatalf("sample %d digit %d: mask (%d, %d) is %d for intensity %d, want %d", i, k, y, x, s.Mask[at], p, want)
				}
			}
		}
	}
	for at, o := range owner {
		if o == 0 && (s.Pixels[at] != 0 || s.Mask[at] != 0) {
			t.Fatalf("sample %d: pixel (%d, %d) outside every digit has intensity %d and class %d", i, at/Width, at%Width, s.Pixels[at], s.Mask[at])
		}
	}
}

func TestGeneratorInvariants(t *testing.T) {
	train, _ := loadSets(t)
	g, err := NewGenerator(train, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	var count [MaxDigits + 1]int
	for i, s := range g.Samples(2000) {
		checkSample(t, i, s, train)
		count[len(s.Digits)]++
	}
	// Each image draws 1 to 3 digits uniformly; very few should have lost a digit for lack of room.
	for n := 1; n <= MaxDigits; n++ {
		if count[n] < 500 {
			t.Errorf("digits per image: %v; want each of 1 to %d in about a third of the images", count[1:], MaxDigits)
		}
	}
}

// TestHeldOutFromTestDigits checks that the held-out images are composed of MNIST's test digits only:
// every digit is a copy of the test image it names, and none of those images occurs in the training set.
func TestHeldOutFromTestDigits(t *testing.T) {
	train, test := loadSets(t)
	dir, err := mnist.Find("")
	if err != nil {
		t.Fatal(err)
	}
	samples, err := heldOut(dir, 300, rand.New(rand.NewPCG(3, streamTest)))
	if err != nil {
		t.Fatal(err)
	}
	hash := func(img []uint8) uint64 {
		h := fnv.New64a()
		h.Write(img)
		return h.Sum64()
	}
	trainImages := map[uint64]bool{}
	for i := 0; i < train.N; i++ {
		trainImages[hash(train.Image(i))] = true
	}
	for i, s := range samples {
		checkSample(t, i, s, test)
		for k, d := range s.Digits {
			if trainImages[hash(test.Image(d.Source))] {
				t.Errorf("held-out sample %d digit %d: test image %d also occurs in the training set", i, k, d.Source)
			}
		}
	}
}

func TestGeneratorDeterministic(t *testing.T) {
	train, _ := loadSets(t)
	draw := func(seed uint64) []Sample {
		g, err := NewGenerator(train, rand.New(rand.NewPCG(seed, streamTrain)))
		if err != nil {
			t.Fatal(err)
		}
		return g.Samples(20)
	}
	a, b, c := draw(7), draw(7), draw(8)
	same := func(x, y []Sample) bool {
		for i := range x {
			if !slices.Equal(x[i].Pixels, y[i].Pixels) || !slices.Equal(x[i].Mask, y[i].Mask) || !slices.Equal(x[i].Digits, y[i].Digits) {
				return false
			}
		}
		return true
	}
	if !same(a, b) {
		t.Error("two generators with seed 7 drew different samples")
	}
	if same(a, c) {
		t.Error("seeds 7 and 8 drew the same samples")
	}
}

func TestBoxOverlaps(t *testing.T) {
	b := Box{Top: 2, Bottom: 5, Left: 10, Right: 20}
	tests := []struct {
		c    Box
		want bool
	}{
		{Box{5, 8, 10, 20}, false}, // just below: rows are half-open
		{Box{0, 2, 10, 20}, false}, // just above
		{Box{2, 5, 20, 30}, false}, // just right
		{Box{4, 6, 19, 21}, true},  // shares pixel (4, 19)
		{Box{0, 10, 0, 30}, true},  // contains b
		{Box{3, 4, 12, 13}, true},  // inside b
		{Box{0, 10, 0, 10}, false}, // left of b
	}
	for _, tt := range tests {
		if got := b.Overlaps(tt.c); got != tt.want || tt.c.Overlaps(b) != tt.want {
			t.Errorf("%+v.Overlaps(%+v) = %v, want %v both ways", b, tt.c, got, tt.want)
		}
	}
}

func TestInkBox(t *testing.T) {
	tile := make([]uint8, mnist.Rows*mnist.Cols)
	if b := inkBox(tile); b.Top != b.Bottom {
		t.Errorf("inkBox(blank) = %+v, want empty", b)
	}
	tile[3*mnist.Cols+5] = 1
	tile[10*mnist.Cols+2] = 200
	if b, want := inkBox(tile), (Box{Top: 3, Bottom: 11, Left: 2, Right: 6}); b != want {
		t.Errorf("inkBox = %+v, want %+v", b, want)
	}
}

func TestFillBatch(t *testing.T) {
	s := Sample{Pixels: make([]uint8, Height*Width), Mask: make([]uint8, Height*Width)}
	s.Pixels[5], s.Mask[5] = 255, 4
	x, labels := make([]float32, 2*Height*Width), make([]uint8, 2*Height*Width)
	if err := fillBatch(x, labels, []Sample{{Pixels: make([]uint8, Height*Width), Mask: make([]uint8, Height*Width)}, s}); err != nil {
		t.Fatal(err)
	}
	if at := Height*Width + 5; x[at] != 1 || labels[at] != 4 || x[5] != 0 {
		t.Errorf("fillBatch: x = %v, label %d; want 1 and 4 at pixel 5 of image 1", x[at], labels[at])
	}
	if err := fillBatch(x, labels, []Sample{s}); err == nil {
		t.Error("fillBatch with 1 sample for 2 images: no error")
	}
}
