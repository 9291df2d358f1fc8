// Command bench measures ConvTranspose2d against the anchors that say what
// it should cost: the bare GEMM it needs, gorgonia.Conv2d on the mirrored
// shape, the zero-insertion method, and PyTorch's conv_transpose2d when
// Debian's python3-torch is installed, with the same thread count. Every
// ratio comes from one run on one machine.
//
// Usage:
//
//	go run ./cmd/bench [-time 1s] [-dtype float32,float64] [-blas fast] [-torch auto] [-markdown]
//
// Build with GOEXPERIMENT=simd for the SIMD engine, or with -tags openblas
// (and libopenblas-dev installed) to offer -blas openblas.
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gorgonia-ext/convtranspose/fastblas"
)

// blasChoices are the BLAS implementations -blas can name; a file built
// with the openblas tag adds "openblas".
var blasChoices = map[string]G.BLAS{
	"gonum": gonum.Implementation{},
	"fast":  fastblas.Implementation{},
}

// blasNotes are lines about the BLAS set-up that the tables print under
// the machine's description (see blas_openblas.go).
var blasNotes []string

func main() {
	minTime := flag.Duration("time", time.Second, "minimum time spent on each measurement")
	dtypeList := flag.String("dtype", "float32,float64", "comma-separated dtypes to measure")
	blasName := flag.String("blas", "fast", "BLAS for the whole graph and the bare GEMM: "+strings.Join(keys(blasChoices), ", ")+
		" (fast is this module's default engine: the SIMD GEMM when built with GOEXPERIMENT=simd, gonum otherwise)")
	torchMode := flag.String("torch", "auto", "measure PyTorch: auto (when installed), on, off")
	markdown := flag.Bool("markdown", false, "print a Markdown table")
	gemm := flag.Bool("gemm", false, "instead, time the GEMMs of the layers on every BLAS of -blas's list (fast/x above 1: fast is faster)")
	flag.Parse()
	if *gemm {
		fmt.Printf("machine: %s, GOMAXPROCS %d, %s %s/%s, fastblas engine: %s\n",
			cpuModel(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH, fastblas.Engine())
		for _, n := range blasNotes {
			fmt.Println(n)
		}
		if err := runGEMM(os.Stdout, *minTime, strings.Split(*dtypeList, ","), *markdown); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(os.Stdout, *minTime, strings.Split(*dtypeList, ","), *blasName, *torchMode, *markdown); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func keys(m map[string]G.BLAS) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// row is one layer in one dtype.
type row struct {
	l                                 layer
	dtype                             string
	fwd, fwdbwd, gemm, gconv, zeroIns time.Duration
	conv                              time.Duration // this module's Conv2d on the mirrored shape
	torchFwd, torchFwdbwd             time.Duration
	zeroInsDiff                       float64
}

func run(w io.Writer, minTime time.Duration, dtypes []string, blasName, torchMode string, markdown bool) error {
	// Every column runs on the same BLAS: ConvTranspose2d, the bare GEMM,
	// gorgonia.Conv2d and zero insertion.
	b, ok := blasChoices[blasName]
	if !ok {
		return fmt.Errorf("-blas %q is not one of %v", blasName, keys(blasChoices))
	}
	G.Use(b)
	for _, dt := range dtypes {
		if dt != "float32" && dt != "float64" {
			return fmt.Errorf("-dtype %q is neither float32 nor float64", dt)
		}
	}
	useTorch := torchMode == "on" || (torchMode == "auto" && torchAvailable())
	threads := runtime.GOMAXPROCS(0)
	fmt.Fprintf(w, "machine: %s, GOMAXPROCS %d, %s %s/%s\n", cpuModel(), threads, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "BLAS: %T (fastblas engine: %s)\n", G.WhichBLAS(), fastblas.Engine())
	for _, n := range blasNotes {
		fmt.Fprintln(w, n)
	}

	var rows []*row
	for _, dt := range dtypes {
		for _, l := range layers {
			r, err := measure(l, dt, minTime)
			if err != nil {
				return fmt.Errorf("%v %s: %w", l, dt, err)
			}
			rows = append(rows, r)
			fmt.Fprintf(os.Stderr, "measured %v %s\n", l, dt)
		}
	}
	if useTorch {
		t, err := measureTorch(layers, dtypes, threads, minTime)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "PyTorch %s, %d threads\n", t.Version, threads)
		for i, r := range rows {
			r.torchFwd = seconds(t.Times[i].Fwd)
			r.torchFwdbwd = seconds(t.Times[i].Fwdbwd)
		}
	}
	printTable(w, rows, useTorch, markdown)
	return nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func measure(l layer, dt string, minTime time.Duration) (*row, error) {
	dtype := tensor.Float32
	if dt == "float64" {
		dtype = tensor.Float64
	}
	r := &row{l: l, dtype: dt}
	fwd, y, err := ours(l, dtype, false)
	if err != nil {
		return nil, err
	}
	fwdbwd, _, err := ours(l, dtype, true)
	if err != nil {
		return nil, err
	}
	gconv, err := mirroredConv(l, dtype, false)
	if err != nil {
		return nil, err
	}
	conv, err := mirroredConv(l, dtype, true)
	if err != nil {
		return nil, err
	}
	zi, _, _, out, err := zeroInsertion(l, dtype)
	if err != nil {
		return nil, err
	}
	// Every measurement of the row takes turns with the others (see
	// timeRoundRobin), so that the ratios between them hold on a busy
	// machine, and settles before its timed call, so that none pays for
	// another's garbage.
	ds, err := timeRoundRobin(minTime, true, fwd, fwdbwd, bareGEMM(l, dtype), gconv, conv, zi)
	if err != nil {
		return nil, err
	}
	r.fwd, r.fwdbwd, r.gemm, r.gconv, r.conv, r.zeroIns = ds[0], ds[1], ds[2], ds[3], ds[4], ds[5]
	// Both methods start from the same seeded x and w: their results must agree.
	r.zeroInsDiff = maxDiff(y.Value().Data(), out.Value().Data())
	return r, nil
}

func maxDiff(a, b any) float64 {
	var d float64
	switch a := a.(type) {
	case []float32:
		for i, v := range b.([]float32) {
			d = math.Max(d, math.Abs(float64(a[i]-v)))
		}
	case []float64:
		for i, v := range b.([]float64) {
			d = math.Max(d, math.Abs(a[i]-v))
		}
	}
	return d
}

func elemSize(dtype string) int {
	if dtype == "float64" {
		return 8
	}
	return 4
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/1e6) }

func ratio(a, b time.Duration) string {
	if a == 0 || b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}

func printTable(w io.Writer, rows []*row, torch, markdown bool) {
	head := []string{"layer", "dtype", "fwd ms", "fwd+bwd ms", "GEMM ms", "GFLOP/s", "fwd/GEMM", "fwd+bwd/3·GEMM",
		"workspace MiB", "Conv2d ms", "gorgonia.Conv2d ms", "gorgonia/ours Conv2d", "zero-ins ms", "zero-ins/fwd"}
	if torch {
		head = append(head, "torch fwd ms", "torch fwd+bwd ms", "torch/ours fwd", "torch/ours fwd+bwd")
	}
	var lines [][]string
	for _, r := range rows {
		line := []string{r.l.String(), r.dtype, ms(r.fwd), ms(r.fwdbwd), ms(r.gemm),
			fmt.Sprintf("%.1f", r.l.flops()/r.fwd.Seconds()/1e9),
			ratio(r.fwd, r.gemm), ratio(r.fwdbwd, 3*r.gemm), fmt.Sprintf("%.1f", r.l.workspaceMiB(elemSize(r.dtype))), ms(r.conv), ms(r.gconv), ratio(r.gconv, r.conv),
			ms(r.zeroIns), ratio(r.zeroIns, r.fwd)}
		if torch {
			line = append(line, ms(r.torchFwd), ms(r.torchFwdbwd), ratio(r.torchFwd, r.fwd), ratio(r.torchFwdbwd, r.fwdbwd))
		}
		lines = append(lines, line)
	}
	writeTable(w, head, lines, markdown)
	worst := 0.0
	for _, r := range rows {
		worst = math.Max(worst, r.zeroInsDiff)
	}
	fmt.Fprintf(w, "\nfwd: ConvTranspose2d forward on the TapeMachine; fwd+bwd adds the gradients of x and the filter\n"+
		"from a given output gradient (as PyTorch's y.backward(r)).\n"+
		"GEMM: the forward GEMM alone (the backward needs two of the same size); GFLOP/s of the forward.\n"+
		"workspace: the scratch memory the kernels hold at once (columns of a chunk of images).\n"+
		"Conv2d: this module's Conv2d on the mirrored shape (the convolution the layer reverses), and gorgonia.Conv2d.\n"+
		"zero-ins: zero insertion + gorgonia.Conv2d\n"+
		"(largest difference from ConvTranspose2d's result: %.2g).\n"+
		"Go columns: medians of calls taking turns, each timed after an untimed call of its own.\n", worst)
}

// writeTable prints a header and rows as a Markdown table, or as aligned
// text columns.
func writeTable(w io.Writer, head []string, lines [][]string, markdown bool) error {
	if markdown {
		fmt.Fprintln(w, "| "+strings.Join(head, " | ")+" |")
		fmt.Fprintln(w, "|"+strings.Repeat(" --- |", len(head)))
		for _, l := range lines {
			fmt.Fprintln(w, "| "+strings.Join(l, " | ")+" |")
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, l := range lines {
		fmt.Fprintln(tw, strings.Join(l, "\t")+"\t")
	}
	return tw.Flush()
}

// cpuModel reads the processor's name, where Linux tells it.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
		}
	}
	return runtime.GOARCH
}
