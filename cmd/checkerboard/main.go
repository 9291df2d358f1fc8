// Command checkerboard draws the pictures of docs/checkerboard.md: the
// overlap maps of transposed convolutions for several kernel sizes and
// strides, and what six freshly initialised up-sampling layers make of a
// constant image. It prints the table of how uneven those layers' outputs
// are, measured over many initialisations.
//
// Usage:
//
//	go run ./cmd/checkerboard -out docs/images
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// seeds is the number of initialisations the table averages over; the
// pictures use the first.
const seeds = 100

// pictureCell is the side, in pixels, of one output pixel in the artifact
// pictures.
const pictureCell = 6

func main() {
	out := flag.String("out", "docs/images", "folder to write the PNG files to")
	flag.Parse()
	if err := run(*out, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run writes every picture into dir and the table to w.
func run(dir string, w io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeOverlaps(dir); err != nil {
		return err
	}
	rows, err := measure()
	if err != nil {
		return err
	}
	for i, m := range methods {
		if err := writeGray(filepath.Join(dir, m.file), rows[i].first, outSide, outSide, pictureCell); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, table(rows))
	return err
}

// row is one method's measurements: its output for the first seed, the
// mean and largest spread of its outputs over all seeds, and the spread
// with all weights equal.
type row struct {
	first            []float64
	mean, max, equal float64
}

func measure() ([]row, error) {
	rows := make([]row, len(methods))
	for i, m := range methods {
		for seed := uint64(1); seed <= seeds; seed++ {
			v, err := respond(m, uniform(rand.New(rand.NewPCG(seed, 0))))
			if err != nil {
				return nil, err
			}
			if seed == 1 {
				rows[i].first = v
			}
			s := spread(v)
			rows[i].mean += s / seeds
			rows[i].max = max(rows[i].max, s)
		}
		v, err := respond(m, equal)
		if err != nil {
			return nil, err
		}
		rows[i].equal = spread(v)
	}
	return rows, nil
}

// table formats the measurements as the Markdown table of
// docs/checkerboard.md.
func table(rows []row) string {
	s := fmt.Sprintf("| layer (up 2×, from a constant %d×%d×%d input) | picture (seed 1) | spread, random init, mean of %d seeds | largest | spread, all weights equal |\n",
		inChannels, inSide, inSide, seeds)
	s += "| --- | --- | ---: | ---: | ---: |\n"
	for i, m := range methods {
		s += fmt.Sprintf("| %s | ![%s](images/%s) | %.3f | %.3f | %.3f |\n", m.name, m.name, m.file, rows[i].mean, rows[i].max, rows[i].equal)
	}
	return s
}
