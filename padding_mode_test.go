package convtranspose_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
	"github.com/gorgonia-ext/convtranspose/internal/golden"
)

// paddingGoldenPath holds values and gradients that PyTorch computed for
// the padding modes; see testdata/make_padding_golden.py.
const paddingGoldenPath = "testdata/padding_golden.json"

var modeNames = map[string]ct.PaddingMode{
	"zeros": ct.PaddingZeros, "circular": ct.PaddingCircular, "reflect": ct.PaddingReflect, "replicate": ct.PaddingReplicate,
}

var allModes = []ct.PaddingMode{ct.PaddingZeros, ct.PaddingCircular, ct.PaddingReflect, ct.PaddingReplicate}

// paddingCase is one case of the padding golden file.
type paddingCase struct {
	Name          string         `json:"name"`
	DType         string         `json:"dtype"`
	Op            string         `json:"op"` // "conv2d" or "conv_transpose2d"
	Mode          string         `json:"mode"`
	Stride        []int          `json:"stride"`
	Pads          []int          `json:"pads"` // top, bottom, left, right
	Dilation      []int          `json:"dilation"`
	Groups        int            `json:"groups"`
	OutputPadding []int          `json:"output_padding"`
	X             golden.Tensor  `json:"x"`
	W             golden.Tensor  `json:"w"`
	B             *golden.Tensor `json:"b"`
	R             golden.Tensor  `json:"r"`
	Y             golden.Tensor  `json:"y"`
	DX            golden.Tensor  `json:"dx"`
	DW            golden.Tensor  `json:"dw"`
	DB            *golden.Tensor `json:"db"`
	GGX           golden.Tensor  `json:"ggx"`
	GGW           golden.Tensor  `json:"ggw"`
	Tolerance     float64        `json:"tolerance"`
}

func loadPaddingGolden(t *testing.T) []paddingCase {
	t.Helper()
	raw, err := os.ReadFile(paddingGoldenPath)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Generator string        `json:"generator"`
		Cases     []paddingCase `json:"cases"`
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("decoding %s: %v", paddingGoldenPath, err)
	}
	if len(f.Cases) < 50 {
		t.Fatalf("%s holds %d cases, want at least 50", paddingGoldenPath, len(f.Cases))
	}
	for _, c := range f.Cases {
		if _, ok := modeNames[c.Mode]; !ok || (c.Op != "conv2d" && c.Op != "conv_transpose2d") || !(c.Tolerance > 0) {
			t.Fatalf("case %s: bad mode %q, op %q or tolerance %v", c.Name, c.Mode, c.Op, c.Tolerance)
		}
	}
	return f.Cases
}

// options translates the case; for the transposed convolution, bySize
// chooses between the recorded output padding and the output size.
func (c *paddingCase) options(bySize bool) []ct.Option {
	opts := []ct.Option{
		ct.WithStride(c.Stride[0], c.Stride[1]), ct.WithDilation(c.Dilation[0], c.Dilation[1]), ct.WithGroups(c.Groups),
		ct.WithPads(c.Pads[0], c.Pads[1], c.Pads[2], c.Pads[3]), ct.WithPaddingMode(modeNames[c.Mode]),
	}
	if c.Op == "conv_transpose2d" {
		if bySize {
			opts = append(opts, ct.WithOutputSize(c.Y.Shape[2], c.Y.Shape[3]))
		} else {
			opts = append(opts, ct.WithOutputPadding(c.OutputPadding[0], c.OutputPadding[1]))
		}
	}
	return opts
}

func (c *paddingCase) build(g *G.ExprGraph, bySize bool) (x, w, b, r, y *G.Node, err error) {
	dt := tensor.Float64
	if c.DType == "float32" {
		dt = tensor.Float32
	}
	if x, err = node(g, c.X, dt, "x"); err != nil {
		return
	}
	if w, err = node(g, c.W, dt, "w"); err != nil {
		return
	}
	if r, err = node(g, c.R, dt, "r"); err != nil {
		return
	}
	opts := c.options(bySize)
	if c.B != nil {
		if b, err = node(g, *c.B, dt, "b"); err != nil {
			return
		}
		opts = append(opts, ct.WithBias(b))
	}
	if c.Op == "conv2d" {
		y, err = ct.Conv2d(x, w, opts...)
	} else {
		y, err = ct.ConvTranspose2d(x, w, opts...)
	}
	return
}

// TestPaddingGoldenTapeMachine checks values, first and second gradients of
// Conv2d and ConvTranspose2d with every padding mode against PyTorch; the
// transposed cases twice, with the output padding and with the output size.
func TestPaddingGoldenTapeMachine(t *testing.T) {
	for _, c := range loadPaddingGolden(t) {
		for _, bySize := range []bool{false, true} {
			if bySize && c.Op == "conv2d" {
				continue
			}
			name := c.Name
			if bySize {
				name += "_by_size"
			}
			t.Run(name, func(t *testing.T) {
				g := G.NewGraph()
				x, w, b, r, y, err := c.build(g, bySize)
				if err != nil {
					t.Fatal(err)
				}
				loss := G.Must(G.Sum(G.Must(G.HadamardProd(y, r))))
				wrt := G.Nodes{x, w}
				if b != nil {
					wrt = append(wrt, b)
				}
				first, err := G.Grad(loss, wrt...)
				if err != nil {
					t.Fatal(err)
				}
				penalty := G.Must(G.Add(G.Must(G.Sum(G.Must(G.Square(first[0])))), G.Must(G.Sum(G.Must(G.Square(first[1]))))))
				second, err := ct.Grad(penalty, x, w)
				if err != nil {
					t.Fatal(err)
				}
				run(t, g)
				checkTensor(t, "y", y.Value(), c.Y, c.Tolerance)
				checkTensor(t, "dx", first[0].Value(), c.DX, c.Tolerance)
				checkTensor(t, "dw", first[1].Value(), c.DW, c.Tolerance)
				if b != nil {
					checkTensor(t, "db", first[2].Value(), *c.DB, c.Tolerance)
				}
				checkTensor(t, "ggx", second[0].Value(), c.GGX, c.Tolerance)
				checkTensor(t, "ggw", second[1].Value(), c.GGW, c.Tolerance)
			})
		}
	}
}

func TestPaddingGoldenLispMachine(t *testing.T) {
	for _, c := range loadPaddingGolden(t) {
		t.Run(c.Name, func(t *testing.T) {
			g := G.NewGraph()
			x, w, b, r, y, err := c.build(g, false)
			if err != nil {
				t.Fatal(err)
			}
			checkOnLispMachine(t, g, y, r, []*G.Node{x, w, b}, []golden.Tensor{c.Y, c.DX, c.DW}, c.DB, c.Tolerance)
		})
	}
}

// modeCase is a configuration for the first-principles tests: a
// convolution of x (n, cin, h, w) with a filter (cout, cin/groups, kh, kw),
// whose transposed convolution takes its output back to h×w.
type modeCase struct {
	n, cin, cout, h, w, kh, kw int
	stride, dilation           [2]int
	pads                       [4]int
	groups                     int
}

func (c modeCase) String() string {
	return fmt.Sprintf("n%d_c%dto%d_%dx%d_k%dx%d_s%v_d%v_pads%v_g%d", c.n, c.cin, c.cout, c.h, c.w, c.kh, c.kw,
		c.stride, c.dilation, c.pads, c.groups)
}

func (c modeCase) options(mode ct.PaddingMode) []ct.Option {
	return []ct.Option{ct.WithStride(c.stride[0], c.stride[1]), ct.WithDilation(c.dilation[0], c.dilation[1]),
		ct.WithPads(c.pads[0], c.pads[1], c.pads[2], c.pads[3]), ct.WithGroups(c.groups), ct.WithPaddingMode(mode)}
}

// small returns the convolution's output size.
func (c modeCase) small() [2]int {
	return [2]int{
		ct.ConvOutputSize(c.h, c.kh, c.stride[0], c.pads[0], c.pads[1], c.dilation[0]),
		ct.ConvOutputSize(c.w, c.kw, c.stride[1], c.pads[2], c.pads[3], c.dilation[1]),
	}
}

// transposedOptions are the options that make ConvTranspose2d give back h×w.
func (c modeCase) transposedOptions(mode ct.PaddingMode) []ct.Option {
	return append(c.options(mode), ct.WithOutputSize(c.h, c.w))
}

func modeCases() []modeCase {
	one := [2]int{1, 1}
	return []modeCase{
		{1, 1, 1, 3, 3, 3, 3, one, one, [4]int{1, 1, 1, 1}, 1},
		{2, 2, 3, 5, 4, 3, 2, one, one, [4]int{2, 1, 0, 3}, 1},
		{1, 2, 2, 7, 6, 3, 3, [2]int{2, 2}, one, [4]int{1, 1, 2, 2}, 1}, // output padding 0 and 1
		{1, 3, 2, 6, 7, 2, 3, [2]int{3, 2}, [2]int{2, 1}, [4]int{2, 2, 1, 1}, 1},
		{2, 4, 6, 4, 5, 3, 3, [2]int{1, 2}, one, [4]int{1, 2, 2, 1}, 2},
		{1, 1, 2, 2, 3, 2, 2, one, one, [4]int{1, 1, 2, 2}, 1},                   // reflect too big on the width
		{1, 1, 1, 3, 4, 3, 3, one, one, [4]int{3, 3, 4, 4}, 1},                   // circular wraps the whole image
		{1, 2, 1, 8, 5, 4, 3, [2]int{2, 1}, [2]int{1, 2}, [4]int{0, 3, 2, 0}, 1}, // padding on one side
	}
}

// TestPaddingModeAdjoint checks ⟨Conv2d(x), y⟩ = ⟨x, ConvTranspose2d(y)⟩
// for every mode, with the same filter and options.
func TestPaddingModeAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, c := range modeCases() {
		for _, mode := range allModes {
			t.Run(c.String()+"_"+mode.String(), func(t *testing.T) {
				g := G.NewGraph()
				wShape := []int{c.cout, c.cin / c.groups, c.kh, c.kw}
				w := constant(g, wShape, randoms(rng, prod(wShape)), "w")
				xShape := []int{c.n, c.cin, c.h, c.w}
				x := constant(g, xShape, randoms(rng, prod(xShape)), "x")
				down, err := ct.Conv2d(x, w, c.options(mode)...)
				if err != nil {
					if modeRejects(mode, c) {
						return
					}
					t.Fatal(err)
				}
				if modeRejects(mode, c) {
					t.Fatalf("Conv2d accepted %v padding %v on %dx%d", mode, c.pads, c.h, c.w)
				}
				y := constant(g, down.Shape(), randoms(rng, down.Shape().TotalSize()), "y")
				up, err := ct.ConvTranspose2d(y, w, c.transposedOptions(mode)...)
				if err != nil {
					t.Fatal(err)
				}
				if !up.Shape().Eq(x.Shape()) {
					t.Fatalf("ConvTranspose2d gives %v, want x's shape %v", up.Shape(), x.Shape())
				}
				lhs := G.Must(G.Sum(G.Must(G.HadamardProd(down, y))))
				rhs := G.Must(G.Sum(G.Must(G.HadamardProd(x, up))))
				run(t, g)
				l, r := lhs.Value().Data().(float64), rhs.Value().Data().(float64)
				if math.Abs(l-r) > 1e-10*(1+math.Abs(l)) {
					t.Errorf("<Conv2d(x), y> = %v, <x, ConvTranspose2d(y)> = %v", l, r)
				}
			})
		}
	}
}

// modeRejects says whether PyTorch's rules reject the mode for c.
func modeRejects(mode ct.PaddingMode, c modeCase) bool {
	v := max(c.pads[0], c.pads[1])
	h := max(c.pads[2], c.pads[3])
	switch mode {
	case ct.PaddingReflect:
		return v >= c.h || h >= c.w
	case ct.PaddingCircular:
		return v > c.h || h > c.w
	}
	return false
}

// paddingMatrix is the matrix P of padding one h×w plane by pads with mode,
// built from the definitions: row i of P has a single 1 in the column of
// the pixel that padded position i reads, or none.
func paddingMatrix(mode ct.PaddingMode, h, w int, pads [4]int) *mat.Dense {
	read := func(i, n int) int { // i is relative to the first pixel
		switch mode {
		case ct.PaddingCircular:
			return (i + n) % n
		case ct.PaddingReflect:
			if i < 0 {
				return -i
			}
			if i >= n {
				return (n - 1) - (i - (n - 1))
			}
		case ct.PaddingReplicate:
			return min(max(i, 0), n-1)
		default:
			if i < 0 || i >= n {
				return -1
			}
		}
		return i
	}
	ph, pw := pads[0]+h+pads[1], pads[2]+w+pads[3]
	p := mat.NewDense(ph*pw, h*w, nil)
	for i := 0; i < ph; i++ {
		for j := 0; j < pw; j++ {
			r, c := read(i-pads[0], h), read(j-pads[2], w)
			if r >= 0 && c >= 0 {
				p.Set(i*pw+j, r*w+c, 1)
			}
		}
	}
	return p
}

// TestPaddingModeMatrix checks both directions against an explicit matrix:
// C_mode = C·P, with C the matrix of gorgonia.Conv2d over the padded image
// and P the padding matrix; Conv2d(x) = C_mode·x and ConvTranspose2d(y) =
// C_modeᵀ·y.
func TestPaddingModeMatrix(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	cases := []struct {
		h, w, k, s int
		pads       [4]int
	}{
		{3, 3, 3, 1, [4]int{1, 1, 1, 1}},
		{4, 5, 3, 2, [4]int{2, 1, 1, 2}},
		{2, 4, 2, 1, [4]int{1, 0, 3, 2}},
		{5, 3, 2, 3, [4]int{1, 1, 2, 1}},
	}
	for _, c := range cases {
		for _, mode := range allModes {
			if modeRejects(mode, modeCase{h: c.h, w: c.w, pads: c.pads}) {
				continue
			}
			t.Run(fmt.Sprintf("%dx%d_k%d_s%d_pads%v_%v", c.h, c.w, c.k, c.s, c.pads, mode), func(t *testing.T) {
				const cin, cout = 2, 2
				wShape := []int{cout, cin, c.k, c.k}
				wv := randoms(rng, prod(wShape))
				ph, pw := c.pads[0]+c.h+c.pads[1], c.pads[2]+c.w+c.pads[3]
				conv := convolutionMatrix(t, []int{1, cin, ph, pw}, wShape, wv, []int{0, 0}, []int{c.s, c.s}, []int{1, 1})
				// P for the whole input is block diagonal, one block per channel.
				plane := paddingMatrix(mode, c.h, c.w, c.pads)
				pr, pc := plane.Dims()
				p := mat.NewDense(cin*pr, cin*pc, nil)
				for ch := 0; ch < cin; ch++ {
					p.Slice(ch*pr, (ch+1)*pr, ch*pc, (ch+1)*pc).(*mat.Dense).Copy(plane)
				}
				var cm mat.Dense
				cm.Mul(conv, p)
				rows, cols := cm.Dims()

				g := G.NewGraph()
				w := constant(g, wShape, wv, "w")
				xv, yv := randoms(rng, cols), randoms(rng, rows)
				opts := []ct.Option{ct.WithStride(c.s, c.s), ct.WithPads(c.pads[0], c.pads[1], c.pads[2], c.pads[3]), ct.WithPaddingMode(mode)}
				down, err := ct.Conv2d(constant(g, []int{1, cin, c.h, c.w}, xv, "x"), w, opts...)
				if err != nil {
					t.Fatal(err)
				}
				up, err := ct.ConvTranspose2d(constant(g, down.Shape(), yv, "y"), w, append(opts, ct.WithOutputSize(c.h, c.w))...)
				if err != nil {
					t.Fatal(err)
				}
				run(t, g)
				var wantDown, wantUp mat.VecDense
				wantDown.MulVec(&cm, mat.NewVecDense(cols, xv))
				wantUp.MulVec(cm.T(), mat.NewVecDense(rows, yv))
				for _, check := range []struct {
					name string
					got  []float64
					want *mat.VecDense
				}{{"Conv2d", down.Value().Data().([]float64), &wantDown}, {"ConvTranspose2d", up.Value().Data().([]float64), &wantUp}} {
					if len(check.got) != check.want.Len() {
						t.Fatalf("%s: %d values, matrix gives %d", check.name, len(check.got), check.want.Len())
					}
					for i, v := range check.got {
						if math.Abs(v-check.want.AtVec(i)) > 1e-12*(1+math.Abs(v)) {
							t.Fatalf("%s[%d] = %v, matrix gives %v", check.name, i, v, check.want.AtVec(i))
						}
					}
				}
			})
		}
	}
}

// TestPaddingModeFiniteDifferences checks first gradients and gradients of
// a function of them against central differences, for both directions.
func TestPaddingModeFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	c := modeCase{1, 2, 2, 4, 3, 3, 2, [2]int{2, 1}, [2]int{1, 1}, [4]int{1, 2, 1, 1}, 1}
	for _, mode := range allModes[1:] {
		for _, transposed := range []bool{false, true} {
			name := "Conv2d_" + mode.String()
			if transposed {
				name = "ConvTranspose2d_" + mode.String()
			}
			t.Run(name, func(t *testing.T) {
				g := G.NewGraph()
				small := c.small()
				xShape, bLen := []int{c.n, c.cin, c.h, c.w}, c.cout
				if transposed {
					xShape, bLen = []int{c.n, c.cout, small[0], small[1]}, c.cin
				}
				wShape := []int{c.cout, c.cin / c.groups, c.kh, c.kw}
				x := constant(g, xShape, randoms(rng, prod(xShape)), "x")
				w := constant(g, wShape, randoms(rng, prod(wShape)), "w")
				b := constant(g, []int{bLen}, randoms(rng, bLen), "b")
				var y *G.Node
				var err error
				if transposed {
					y, err = ct.ConvTranspose2d(x, w, append(c.transposedOptions(mode), ct.WithBias(b))...)
				} else {
					y, err = ct.Conv2d(x, w, append(c.options(mode), ct.WithBias(b))...)
				}
				if err != nil {
					t.Fatal(err)
				}
				checkFiniteDifferences(t, g, y, rng, x, w, b)
			})
		}
	}
}

// roll shifts every plane of v (n, c, h, w) by (dh, dw), wrapping around.
func roll(v []float64, shape []int, dh, dw int) []float64 {
	h, w := shape[2], shape[3]
	out := make([]float64, len(v))
	for p := 0; p < shape[0]*shape[1]; p++ {
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				out[(p*h+(i+dh)%h)*w+(j+dw)%w] = v[(p*h+i)*w+j]
			}
		}
	}
	return out
}

// TestCircularIsShiftEquivariant checks the property periodic domains need:
// with circular padding, an encoder–decoder (a stride-2 convolution, then a
// stride-2 transposed convolution back to the input size) commutes with
// every shift by a multiple of the stride, wrapping around. With zeros it
// does not, which shows the test can tell.
func TestCircularIsShiftEquivariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	shape := []int{1, 2, 8, 6}
	xv := randoms(rng, prod(shape))
	wd, wu := randoms(rng, 3*2*3*3), randoms(rng, 3*2*4*4)
	apply := func(mode ct.PaddingMode, x []float64) []float64 {
		g := G.NewGraph()
		xn := constant(g, shape, x, "x")
		h := G.Must(ct.Conv2d(xn, constant(g, []int{3, 2, 3, 3}, wd, "wd"), ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithPaddingMode(mode)))
		y := G.Must(ct.ConvTranspose2d(h, constant(g, []int{3, 2, 4, 4}, wu, "wu"), ct.WithStride(2, 2), ct.WithPadding(1, 1),
			ct.WithPaddingMode(mode), ct.WithOutputSizeOf(xn)))
		run(t, g)
		return y.Value().Data().([]float64)
	}
	for _, mode := range []ct.PaddingMode{ct.PaddingCircular, ct.PaddingZeros} {
		for _, shift := range [][2]int{{2, 0}, {0, 4}, {6, 2}} {
			a := roll(apply(mode, xv), shape, shift[0], shift[1])
			b := apply(mode, roll(xv, shape, shift[0], shift[1]))
			equal := true
			for i := range a {
				equal = equal && math.Abs(a[i]-b[i]) <= 1e-12*(1+math.Abs(a[i]))
			}
			if equal != (mode == ct.PaddingCircular) {
				t.Errorf("%v, shift %v: shifted output equals output of shifted input: %t", mode, shift, equal)
			}
		}
	}
}

// BenchmarkConvTranspose2dPaddingMode runs a decoder layer, (16, 64, 32, 32)
// → (16, 32, 64, 64), kernel 4, stride 2, padding 1, float32, forward only,
// with each mode: the modes add a fold over the uncropped output to the
// zeros layer's work.
func BenchmarkConvTranspose2dPaddingMode(b *testing.B) {
	rng := rand.New(rand.NewPCG(29, 30))
	f32 := func(n int) *tensor.Dense {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return tensor.New(tensor.WithBacking(v))
	}
	for _, mode := range allModes {
		b.Run("16x64x32x32_to_32x64x64_k4s2p1_"+mode.String(), func(b *testing.B) {
			g := G.NewGraph()
			xv, wv := f32(16*64*32*32), f32(64*32*4*4)
			xv.Reshape(16, 64, 32, 32)
			wv.Reshape(64, 32, 4, 4)
			x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(16, 64, 32, 32), G.WithValue(xv), G.WithName("x"))
			w := G.NewTensor(g, tensor.Float32, 4, G.WithShape(64, 32, 4, 4), G.WithValue(wv), G.WithName("w"))
			if _, err := ct.ConvTranspose2d(x, w, ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithPaddingMode(mode)); err != nil {
				b.Fatal(err)
			}
			m := G.NewTapeMachine(g)
			defer m.Close()
			for b.Loop() {
				if err := m.RunAll(); err != nil {
					b.Fatal(err)
				}
				m.Reset()
			}
		})
	}
}
