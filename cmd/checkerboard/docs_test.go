package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The table in docs/checkerboard.md and the pictures in docs/images are
// what this command makes: the test makes them again and compares. Pixel
// values may differ by a few levels where floating-point sums do.
func TestDocumentIsUpToDate(t *testing.T) {
	dir := t.TempDir()
	var table bytes.Buffer
	if err := run(dir, &table); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "checkerboard.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), table.String()) {
		t.Errorf("docs/checkerboard.md does not show the table the command prints now:\n%s", table.String())
	}
	made, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	if want := len(overlapPairs) + len(methods); len(made) != want {
		t.Fatalf("the command made %d pictures, want %d", len(made), want)
	}
	for _, path := range made {
		name := filepath.Base(path)
		got, want := decode(t, path), decode(t, filepath.Join("..", "..", "docs", "images", name))
		if got.Bounds() != want.Bounds() {
			t.Errorf("%s: %v, committed %v", name, got.Bounds(), want.Bounds())
			continue
		}
		if d := largestDifference(got, want); d > 2 {
			t.Errorf("%s differs from the committed picture by %d levels: run go run ./cmd/checkerboard -out docs/images", name, d)
		}
	}
}

func decode(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// largestDifference returns the largest difference of two images of the
// same bounds in any channel, in 8-bit levels.
func largestDifference(a, b image.Image) int {
	d := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, aa := a.At(x, y).RGBA()
			br, bg, bb, ba := b.At(x, y).RGBA()
			for _, p := range [][2]uint32{{ar, br}, {ag, bg}, {ab, bb}, {aa, ba}} {
				d = max(d, abs(int(p[0]>>8)-int(p[1]>>8)))
			}
		}
	}
	return d
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
