package main

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// tiny returns options for a run of a few steps with tiny networks.
func tiny(t *testing.T, seed uint64) options {
	o := defaultOptions()
	o.Steps, o.Batch, o.Seed, o.Snapshots = 3, 4, seed, 2
	o.Arch = Arch{Z: 8, GenWidth: 4, DiscWidth: 4}
	o.Out = t.TempDir()
	return o
}

func decodePNG(t *testing.T, path string) image.Image {
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

// TestRunSmoke trains a few steps and checks every output, then draws the samples again from the
// checkpoint alone (-sample-only -load) and checks that they are the same image.
func TestRunSmoke(t *testing.T) {
	o := tiny(t, 1)
	res, err := run(o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.DLoss) != o.Steps || len(res.GLoss) != o.Steps {
		t.Fatalf("%d D and %d G losses, want %d each", len(res.DLoss), len(res.GLoss), o.Steps)
	}
	for i := range res.DLoss {
		if !finite(res.DLoss[i]) || !finite(res.GLoss[i]) || res.DLoss[i] <= 0 || res.GLoss[i] <= 0 {
			t.Errorf("step %d: losses D %v, G %v; want finite and positive", i+1, res.DLoss[i], res.GLoss[i])
		}
	}
	for _, tt := range []struct {
		file string
		w, h int
	}{
		{"samples.png", 224, 224},
		{"progress.png", 2*224 + 4, 224},
		{"loss.png", 0, 0}, // size set by the plot
	} {
		b := decodePNG(t, filepath.Join(o.Out, tt.file)).Bounds()
		if tt.w > 0 && (b.Dx() != tt.w || b.Dy() != tt.h) {
			t.Errorf("%s is %dx%d, want %dx%d", tt.file, b.Dx(), b.Dy(), tt.w, tt.h)
		}
	}
	csv, err := os.ReadFile(filepath.Join(o.Out, "losses.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(csv)), "\n"); len(lines) != o.Steps+1 || lines[0] != "step,d_loss,g_loss" {
		t.Errorf("losses.csv has %d lines starting %q, want a header and %d steps", len(lines), lines[0], o.Steps)
	}

	// Sampling from the checkpoint gives the very same grid.
	s := o
	s.Arch = Arch{} // taken from the checkpoint
	if !samplesAgain(t, o.Out, s) {
		t.Error("samples.png drawn from the checkpoint differs from the one written after training")
	}
}

// samplesAgain draws samples.png with -sample-only from the checkpoint in dir, with the options s, and
// reports whether it is the same file as the one the run wrote into dir.
func samplesAgain(t *testing.T, dir string, s options) bool {
	t.Helper()
	trained, err := os.ReadFile(filepath.Join(dir, "samples.png"))
	if err != nil {
		t.Fatal(err)
	}
	s.Load, s.SampleOnly, s.Out = filepath.Join(dir, "dcgan.gob"), true, t.TempDir()
	if _, err := run(s, nil); err != nil {
		t.Fatal(err)
	}
	again, err := os.ReadFile(filepath.Join(s.Out, "samples.png"))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(trained, again)
}

// TestRunWithoutAverage trains with -average 0, whose samples come from the generator itself, and checks
// that -sample-only with the default -average draws the same samples from the checkpoint: a checkpoint
// whose average was not kept up to date must not hold a stale one.
func TestRunWithoutAverage(t *testing.T) {
	o := tiny(t, 3)
	o.Average = 0
	if _, err := run(o, nil); err != nil {
		t.Fatal(err)
	}
	s := defaultOptions()
	s.Seed = o.Seed
	if !samplesAgain(t, o.Out, s) {
		t.Error("-sample-only draws other samples than a run with -average 0 wrote")
	}
}

// TestRunDeterministic checks that a seed fixes every loss, and that another seed changes them.
func TestRunDeterministic(t *testing.T) {
	losses := func(seed uint64) []float32 {
		res, err := run(tiny(t, seed), nil)
		if err != nil {
			t.Fatal(err)
		}
		return append(res.DLoss, res.GLoss...)
	}
	a, b, c := losses(5), losses(5), losses(6)
	if !slices.Equal(a, b) {
		t.Errorf("seed 5 twice: losses %v and %v differ", a, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("seeds 5 and 6 gave the same losses %v", a)
	}
}

func TestRunErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*options)
		want string
	}{
		{"sample-only without checkpoint", func(o *options) { o.SampleOnly = true }, "-load"},
		{"missing checkpoint", func(o *options) { o.Load = "no/such.gob" }, "no/such.gob"},
		{"missing data", func(o *options) { o.Data = "no/such/folder" }, "no/such/folder"},
		{"batch of one", func(o *options) { o.Batch = 1 }, "batch 1"},
		{"no steps", func(o *options) { o.Steps = 0 }, "-steps 0"},
		{"no latent", func(o *options) { o.Arch.Z = 0 }, "Z"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tiny(t, 1)
			tt.edit(&o)
			_, err := run(o, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run: %v; want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestCheckpointRoundTrip saves fresh weights, loads them, and checks that the generator draws the same
// images from them, bit for bit.
func TestCheckpointRoundTrip(t *testing.T) {
	a := Arch{Z: 6, GenWidth: 6, DiscWidth: 4}
	rng := rand.New(rand.NewPCG(3, 4))
	gw, dw := initGenerator(a, rng), initDiscriminator(a, rng)
	z := zeros(5, a.Z)
	fillNormal(rng, float32s(z))
	draw := func(w weights) []float32 {
		s, err := newSampler(w, z)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		img, err := s.draw()
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	path := filepath.Join(t.TempDir(), "ck.gob")
	avg := cloneWeights(gw)
	(&average{decay: 0.5, w: avg}).update(initGenerator(a, rand.New(rand.NewPCG(7, 8))), 1000)
	if err := saveCheckpoint(path, a, 17, gw, dw, avg); err != nil {
		t.Fatal(err)
	}
	la, steps, lgw, ldw, lavg, err := loadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if la != a || steps != 17 {
		t.Errorf("loaded %+v after %d steps, want %+v after 17", la, steps, a)
	}
	if slices.Equal(float32s(avg["g.up2"]), float32s(gw["g.up2"])) {
		t.Fatal("the test's average equals the generator: the round trip would not tell them apart")
	}
	for _, w := range []struct{ saved, loaded weights }{{gw, lgw}, {dw, ldw}, {avg, lavg}} {
		for name, tn := range w.saved {
			if !slices.Equal(float32s(tn), float32s(w.loaded[name])) {
				t.Errorf("weights %q differ after the round trip", name)
			}
		}
	}
	want, got := draw(gw), draw(lgw)
	if !slices.Equal(want, got) {
		t.Error("the loaded generator draws other images")
	}
	if len(got) != 5*28*28 {
		t.Errorf("drew %d values, want %d", len(got), 5*28*28)
	}

	// A checkpoint written when the batch-norm parameters had shape (1, C, 1, 1) loads, as vectors.
	old := weights{}
	for name, tn := range gw {
		old[name] = tn
		if strings.Contains(name, ".bn") {
			old[name] = tensor.New(tensor.WithShape(1, tn.Shape()[0], 1, 1), tensor.WithBacking(slices.Clone(float32s(tn))))
		}
	}
	oldPath := filepath.Join(t.TempDir(), "old.gob")
	if err := saveCheckpoint(oldPath, a, 17, old, dw, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, ogw, _, oavg, err := loadCheckpoint(oldPath); err != nil {
		t.Errorf("loading a checkpoint with (1, C, 1, 1) batch-norm parameters: %v", err)
	} else if s := ogw["g.bn0.scale"].Shape(); !s.Eq(gw["g.bn0.scale"].Shape()) || !slices.Equal(draw(ogw), want) {
		t.Errorf("a checkpoint with (1, C, 1, 1) batch-norm parameters loads g.bn0.scale as %v, or draws other images", s)
	} else if !slices.Equal(draw(oavg), want) {
		t.Error("a checkpoint without an average does not start the average at the generator")
	}

	// A checkpoint that lacks a weight, or has one of the wrong shape, is refused with its name.
	delete(dw, "d.out")
	bad := filepath.Join(t.TempDir(), "bad.gob")
	if err := saveCheckpoint(bad, a, 0, gw, dw, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, _, err := loadCheckpoint(bad); err == nil || !strings.Contains(err.Error(), `"d.out"`) {
		t.Errorf("loading a checkpoint without d.out: %v; want an error naming it", err)
	}
	dw["d.out"] = zeros(1, 2, 3)
	if err := saveCheckpoint(bad, a, 0, gw, dw, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, _, err := loadCheckpoint(bad); err == nil || !strings.Contains(err.Error(), `"d.out" have shape [1 2 3]`) {
		t.Errorf("loading a checkpoint with a misshapen d.out: %v; want an error naming it", err)
	}
}

// TestTrainerUpdatesOwnWeights checks that the D step changes only the discriminator's weights and the
// G step only the generator's, and that the graphs update the shared tensors in place.
func TestTrainerUpdatesOwnWeights(t *testing.T) {
	a := Arch{Z: 4, GenWidth: 4, DiscWidth: 4}
	rng := rand.New(rand.NewPCG(1, 2))
	gw, dw := initGenerator(a, rng), initDiscriminator(a, rng)
	tr, err := newTrainer(a, gw, dw, 3, 0.01, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	fillNormal(rng, float32s(tr.real))
	fillNormal(rng, float32s(tr.z))
	snapshot := func(w weights) map[string][]float32 {
		m := map[string][]float32{}
		for k, v := range w {
			m[k] = slices.Clone(float32s(v))
		}
		return m
	}
	changed := func(before map[string][]float32, w weights) (n int) {
		for k, v := range w {
			if !slices.Equal(before[k], float32s(v)) {
				n++
			}
		}
		return n
	}
	g0, d0 := snapshot(gw), snapshot(dw)
	if _, err := tr.d.run(); err != nil {
		t.Fatal(err)
	}
	if n := changed(g0, gw); n != 0 {
		t.Errorf("the D step changed %d generator weights", n)
	}
	if n := changed(d0, dw); n != len(dw) {
		t.Errorf("the D step changed %d of %d discriminator weights", n, len(dw))
	}
	d1 := snapshot(dw)
	if _, err := tr.g.run(); err != nil {
		t.Fatal(err)
	}
	if n := changed(d1, dw); n != 0 {
		t.Errorf("the G step changed %d discriminator weights", n)
	}
	if n := changed(g0, gw); n != len(gw) {
		t.Errorf("the G step changed %d of %d generator weights", n, len(gw))
	}
	for i, n := range tr.g.learn {
		if &float32s(n.Value().(tensor.Tensor))[0] != &float32s(gw[generatorNames[i]])[0] {
			t.Errorf("G graph's %s is not bound to the shared tensor", generatorNames[i])
		}
	}
}

// TestLayers checks the hand-built layers against their definitions.
func TestLayers(t *testing.T) {
	g := G.NewGraph()
	x := normal(rand.New(rand.NewPCG(9, 9)), 3, 2, 4, 2, 3, 3)
	// Input nodes need distinct names: gorgonia merges unnamed inputs of equal type and shape.
	xn := G.NewTensor(g, G.Float32, 4, G.WithShape(4, 2, 3, 3), G.WithName("x"), G.WithValue(x))
	scale := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{1, 2}))
	shift := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{0, -1}))
	bn := G.Must(batchNorm(xn,
		G.NewVector(g, G.Float32, G.WithShape(2), G.WithName("scale"), G.WithValue(scale)),
		G.NewVector(g, G.Float32, G.WithShape(2), G.WithName("shift"), G.WithValue(shift))))
	lrelu := G.Must(leakyReLU(xn, 0.2))
	logits := G.NewVector(g, G.Float32, G.WithShape(3), G.WithName("logits"), G.WithValue(tensor.New(tensor.WithBacking([]float32{-30, 0, 2}))))
	bceOne := G.Must(meanSoftplus(logits, -1))
	bceZero := G.Must(meanSoftplus(logits, +1))
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}

	// Batch norm: per channel, mean shift and standard deviation scale.
	y := float32s(bn.Value().(tensor.Tensor))
	for c := 0; c < 2; c++ {
		var vals []float64
		for n := 0; n < 4; n++ {
			for i := 0; i < 9; i++ {
				vals = append(vals, float64(y[(n*2+c)*9+i]))
			}
		}
		mean, sd := meanSD(vals)
		wantMean, wantSD := []float64{0, -1}[c], []float64{1, 2}[c]
		if math.Abs(mean-wantMean) > 1e-5 || math.Abs(sd-wantSD) > 1e-4 {
			t.Errorf("batch norm channel %d: mean %v, sd %v; want %v, %v", c, mean, sd, wantMean, wantSD)
		}
	}
	// Leaky ReLU.
	for i, v := range float32s(lrelu.Value().(tensor.Tensor)) {
		xi := float32s(x)[i]
		want := xi
		if xi < 0 {
			want = 0.2 * xi
		}
		if v != want {
			t.Fatalf("leakyReLU(%v) = %v, want %v", xi, v, want)
		}
	}
	// Binary cross-entropy: −mean log σ(l) for target 1, −mean log(1 − σ(l)) for target 0.
	sigmoid := func(l float64) float64 { return 1 / (1 + math.Exp(-l)) }
	var one, zero float64
	for _, l := range []float64{-30, 0, 2} {
		one -= math.Log(sigmoid(l)) / 3
		zero -= math.Log(1-sigmoid(l)) / 3
	}
	for _, tt := range []struct {
		name string
		got  float32
		want float64
	}{
		{"target 1", bceOne.Value().Data().(float32), one},
		{"target 0", bceZero.Value().Data().(float32), zero},
	} {
		if math.Abs(float64(tt.got)-tt.want) > 1e-5*math.Abs(tt.want) {
			t.Errorf("BCE %s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func meanSD(v []float64) (mean, sd float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(v)))
}

func TestGrid(t *testing.T) {
	// Three 28x28 images, constant −1, 0 and +1, in two columns.
	imgs := make([]float32, 3*tile*tile)
	for k, v := range []float32{-1, 0, 1} {
		for i := 0; i < tile*tile; i++ {
			imgs[k*tile*tile+i] = v
		}
	}
	g, err := grid(imgs, 2)
	if err != nil {
		t.Fatal(err)
	}
	if b := g.Bounds(); b.Dx() != 2*tile || b.Dy() != 2*tile {
		t.Fatalf("grid is %v, want 56x56", b)
	}
	for _, tt := range []struct {
		x, y int
		want uint8
	}{{0, 0, 0}, {27, 27, 0}, {28, 0, 128}, {55, 27, 128}, {0, 28, 255}, {27, 55, 255}, {28, 28, 0}} {
		if got := g.GrayAt(tt.x, tt.y).Y; got != tt.want {
			t.Errorf("pixel (%d, %d) = %d, want %d", tt.x, tt.y, got, tt.want)
		}
	}
	if _, err := grid(imgs[:100], 2); err == nil {
		t.Error("grid of a partial image: no error")
	}
	for v, want := range map[float32]uint8{-2: 0, -1: 0, 1: 255, 3: 255, float32(math.NaN()): 0} {
		if got := toByte(v); got != want {
			t.Errorf("toByte(%v) = %d, want %d", v, got, want)
		}
	}
	s := strip([]*image.Gray{g, g}, 4)
	if b := s.Bounds(); b.Dx() != 4*tile+4 || b.Dy() != 2*tile || s.GrayAt(2*tile+1, 0).Y != 128 {
		t.Errorf("strip is %v with gutter %d, want 116x56 with a grey gutter", b, s.GrayAt(2*tile+1, 0).Y)
	}
}

func TestSnapshotSteps(t *testing.T) {
	for _, tt := range []struct {
		steps, n int
		want     []int
	}{
		{100, 5, []int{0, 25, 50, 75, 100}},
		{10, 4, []int{0, 3, 7, 10}},
		{3, 8, []int{0, 1, 2, 3}},
		{7, 1, []int{7}},
	} {
		var got []int
		for s := range snapshotSteps(tt.steps, tt.n) {
			got = append(got, s)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("snapshotSteps(%d, %d) = %v, want %v", tt.steps, tt.n, got, tt.want)
		}
	}
}

func TestBatcher(t *testing.T) {
	// Four 2-pixel images; an epoch hands out each exactly once.
	b, err := newBatcher([]uint8{0, 0, 255, 255, 0, 255, 255, 0}, 2, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]float32, 8)
	b.next(dst)
	var seen []string
	for i := 0; i < 4; i++ {
		seen = append(seen, string(rune('a'+int(dst[2*i]+1)))+string(rune('a'+int(dst[2*i+1]+1))))
	}
	slices.Sort(seen)
	if want := []string{"aa", "ac", "ca", "cc"}; !slices.Equal(seen, want) {
		t.Errorf("one epoch gave %v, want each image once: %v", seen, want)
	}
	if _, err := newBatcher(make([]uint8, 5), 2, nil); err == nil {
		t.Error("newBatcher with a partial image: no error")
	}
}
