package conv

import "fmt"

// Geometry describes a 2-D convolution between a batch of big images and a
// batch of small images. See the package documentation for the index rule.
type Geometry struct {
	Batch         int
	Groups        int
	SmallChannels int
	BigChannels   int
	SmallH        int
	SmallW        int
	BigH          int
	BigW          int
	KernelH       int
	KernelW       int
	StrideH       int
	StrideW       int
	DilationH     int
	DilationW     int
	PadTop        int // may be negative: the big image then starts after the first reachable row
	PadLeft       int
}

// SmallLen is the number of elements of the small batch.
func (g Geometry) SmallLen() int { return g.Batch * g.SmallChannels * g.SmallH * g.SmallW }

// BigLen is the number of elements of the big batch.
func (g Geometry) BigLen() int { return g.Batch * g.BigChannels * g.BigH * g.BigW }

// FilterLen is the number of elements of the filter.
func (g Geometry) FilterLen() int {
	return g.SmallChannels * g.BigChannels / g.Groups * g.KernelH * g.KernelW
}

// colRows is the number of rows of the column matrix.
func (g Geometry) colRows() int { return g.BigChannels * g.KernelH * g.KernelW }

// smallPlane and bigPlane are the sizes of one channel of one image.
func (g Geometry) smallPlane() int { return g.SmallH * g.SmallW }
func (g Geometry) bigPlane() int   { return g.BigH * g.BigW }

// Validate reports whether g is self-consistent. It does not check that the
// sizes agree with any output-size formula: the big size is whatever the
// caller asks for, and positions out of reach of the kernel stay zero.
func (g Geometry) Validate() error {
	pos := []struct {
		name string
		v    int
	}{
		{"groups", g.Groups}, {"kernel height", g.KernelH}, {"kernel width", g.KernelW},
		{"stride height", g.StrideH}, {"stride width", g.StrideW},
		{"dilation height", g.DilationH}, {"dilation width", g.DilationW},
	}
	for _, p := range pos {
		if p.v <= 0 {
			return fmt.Errorf("conv: %s must be positive, got %d", p.name, p.v)
		}
	}
	nonneg := []struct {
		name string
		v    int
	}{
		{"batch", g.Batch}, {"small channels", g.SmallChannels}, {"big channels", g.BigChannels},
		{"small height", g.SmallH}, {"small width", g.SmallW}, {"big height", g.BigH}, {"big width", g.BigW},
	}
	for _, p := range nonneg {
		if p.v < 0 {
			return fmt.Errorf("conv: %s must not be negative, got %d", p.name, p.v)
		}
	}
	if g.SmallChannels%g.Groups != 0 || g.BigChannels%g.Groups != 0 {
		return fmt.Errorf("conv: groups %d must divide both channel counts %d and %d", g.Groups, g.SmallChannels, g.BigChannels)
	}
	return nil
}

// checkLens panics with a clear message when a slice is shorter than g
// requires. The kernels are internal; the graph layer validates first, so a
// failure here is a programming error.
func checkLen(name string, got, want int) {
	if got < want {
		panic(fmt.Sprintf("conv: %s has %d elements, geometry needs %d", name, got, want))
	}
}
