package main

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// trainer runs the classical DCGAN step with two graphs over the same weights:
//
//   - the D graph draws fake images from z with the generator's current weights, scores them and a batch of
//     real images, and differentiates D's loss −log D(x) − log(1 − D(G(z))) with respect to D's weights
//     only, so the fakes are detached from the generator;
//   - the G graph draws from the same z again and differentiates G's loss −log D(G(z)) with respect to G's
//     weights only, through the just-updated discriminator.
//
// Both losses are binary cross-entropies on logits (softplus), averaged over the batch. Each network has
// its own Adam solver. Gorgonia v0.9.18 has no stop-gradient op, and Grad stores each node's derivative on
// the node itself: a second Grad on the same graph, for the other loss, would reuse the first loss's
// derivative at every node the two share. Two graphs that bind the same tensors give each network its own
// gradient, at the price of one extra generator forward pass per step.
type trainer struct {
	batch int
	d, g  phase
	real  *tensor.Dense // (batch, 1, 28, 28), refilled by the caller before each step
	z     *tensor.Dense // (batch, Z), refilled by the caller before each step
}

// phase is one graph with its machine, its loss and the learnables its solver updates.
type phase struct {
	name   string
	graph  *G.ExprGraph
	vm     G.VM
	loss   *G.Node
	learn  G.Nodes
	solver G.Solver
}

// newTrainer builds both graphs for batches of the given size. lr and beta1 configure both Adam solvers.
func newTrainer(a Arch, gw, dw weights, batch int, lr, beta1 float64) (*trainer, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if batch < 2 {
		return nil, fmt.Errorf("batch %d: batch norm needs at least 2 images", batch)
	}
	t := &trainer{
		batch: batch,
		real:  zeros(batch, 1, 28, 28),
		z:     zeros(batch, a.Z),
	}

	// D step.
	{
		g := G.NewGraph()
		gen, err := newGenerator(g, gw)
		if err != nil {
			return nil, err
		}
		dis, err := newDiscriminator(g, dw)
		if err != nil {
			return nil, err
		}
		real := G.NewTensor(g, G.Float32, 4, G.WithShape(t.real.Shape()...), G.WithName("real"), G.WithValue(t.real))
		z := G.NewMatrix(g, G.Float32, G.WithShape(t.z.Shape()...), G.WithName("z"), G.WithValue(t.z))
		fake, err := gen.forward(z)
		if err != nil {
			return nil, err
		}
		onReal, err := dis.forward(real)
		if err != nil {
			return nil, err
		}
		onFake, err := dis.forward(fake)
		if err != nil {
			return nil, err
		}
		lossReal, err := meanSoftplus(onReal, -1) // target 1
		if err != nil {
			return nil, fmt.Errorf("D loss: %w", err)
		}
		lossFake, err := meanSoftplus(onFake, +1) // target 0
		if err != nil {
			return nil, fmt.Errorf("D loss: %w", err)
		}
		loss, err := G.Add(lossReal, lossFake)
		if err != nil {
			return nil, fmt.Errorf("D loss: %w", err)
		}
		if t.d, err = newPhase("D", g, loss, dis.learnables(), lr, beta1); err != nil {
			return nil, err
		}
	}

	// G step.
	{
		g := G.NewGraph()
		gen, err := newGenerator(g, gw)
		if err != nil {
			return nil, err
		}
		dis, err := newDiscriminator(g, dw)
		if err != nil {
			return nil, err
		}
		z := G.NewMatrix(g, G.Float32, G.WithShape(t.z.Shape()...), G.WithName("z"), G.WithValue(t.z))
		fake, err := gen.forward(z)
		if err != nil {
			return nil, err
		}
		onFake, err := dis.forward(fake)
		if err != nil {
			return nil, err
		}
		loss, err := meanSoftplus(onFake, -1) // the generator wants its fakes taken for real
		if err != nil {
			return nil, fmt.Errorf("G loss: %w", err)
		}
		if t.g, err = newPhase("G", g, loss, gen.learnables(), lr, beta1); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func newPhase(name string, g *G.ExprGraph, loss *G.Node, learn G.Nodes, lr, beta1 float64) (phase, error) {
	if _, err := G.Grad(loss, learn...); err != nil {
		return phase{}, fmt.Errorf("%s step: gradient: %w", name, err)
	}
	return phase{
		name:   name,
		graph:  g,
		vm:     G.NewTapeMachine(g, G.BindDualValues(learn...)),
		loss:   loss,
		learn:  learn,
		solver: G.NewAdamSolver(G.WithLearnRate(lr), G.WithBeta1(beta1)),
	}, nil
}

// run executes the graph once, updates its learnables and returns the loss.
func (p *phase) run() (float32, error) {
	defer p.vm.Reset()
	if err := p.vm.RunAll(); err != nil {
		return 0, fmt.Errorf("%s step: %w", p.name, err)
	}
	loss, ok := p.loss.Value().Data().(float32)
	if !ok {
		return 0, fmt.Errorf("%s step: loss is %T, want float32", p.name, p.loss.Value().Data())
	}
	if err := p.solver.Step(G.NodesToValueGrads(p.learn)); err != nil {
		return 0, fmt.Errorf("%s step: solver: %w", p.name, err)
	}
	return loss, nil
}

// step trains the discriminator, then the generator, on the images in t.real and the latent vectors in t.z.
func (t *trainer) step() (dLoss, gLoss float32, err error) {
	if dLoss, err = t.d.run(); err != nil {
		return 0, 0, err
	}
	if gLoss, err = t.g.run(); err != nil {
		return 0, 0, err
	}
	return dLoss, gLoss, nil
}

// Close releases both machines.
func (t *trainer) Close() error {
	t.d.vm.Close()
	t.g.vm.Close()
	return nil
}

// sampler draws images from a fixed batch of latent vectors with the generator's current weights.
type sampler struct {
	vm  G.VM
	out *G.Node
}

// newSampler builds a forward-only graph of the generator over z (N, Z). z is bound, not copied:
// refill it to draw other images.
func newSampler(gw weights, z *tensor.Dense) (*sampler, error) {
	g := G.NewGraph()
	gen, err := newGenerator(g, gw)
	if err != nil {
		return nil, err
	}
	zn := G.NewMatrix(g, G.Float32, G.WithShape(z.Shape()...), G.WithName("z"), G.WithValue(z))
	out, err := gen.forward(zn)
	if err != nil {
		return nil, err
	}
	return &sampler{vm: G.NewTapeMachine(g), out: out}, nil
}

// draw returns a copy of the images (N·28·28 values in [−1, 1]).
func (s *sampler) draw() ([]float32, error) {
	defer s.vm.Reset()
	if err := s.vm.RunAll(); err != nil {
		return nil, fmt.Errorf("sampling: %w", err)
	}
	return append([]float32(nil), float32s(s.out.Value().(tensor.Tensor))...), nil
}

// Close releases the machine.
func (s *sampler) Close() error { return s.vm.Close() }
