//go:build goexperiment.simd && amd64

package fastblas

import "simd/archsimd"

// transpose8 writes the first elements of eight lines s[0] … s[7] (each n
// long) k-major into panel from column l on: panel[p·width + l + i] =
// s[i][p]. It moves blocks of 8×8 float32 or 8×4 float64 through vector
// registers, shuffling them in registers, and returns how many values of
// each line it wrote (a multiple of the block length; the caller writes
// the rest).
func transpose8[T float32 | float64](panel []T, width, l int, s *[8][]T) int {
	switch pn := any(panel).(type) {
	case []float32:
		return transpose8x8F32(pn, width, l, any(s).(*[8][]float32))
	case []float64:
		lines := any(s).(*[8][]float64)
		transpose4x4F64(pn, width, l, (*[4][]float64)(lines[:4]))
		return transpose4x4F64(pn, width, l+4, (*[4][]float64)(lines[4:]))
	}
	return 0
}

// transpose8x8F32 is transpose8 for float32, eight values of each line at
// a time: two rounds of in-lane shuffles turn each 128-bit half of the
// eight rows into columns, then the halves are paired across rows.
func transpose8x8F32(panel []float32, width, l int, s *[8][]float32) int {
	n := len(s[0])
	p := 0
	for ; p+8 <= n; p += 8 {
		r0 := archsimd.LoadFloat32x8Slice(s[0][p : p+8])
		r1 := archsimd.LoadFloat32x8Slice(s[1][p : p+8])
		r2 := archsimd.LoadFloat32x8Slice(s[2][p : p+8])
		r3 := archsimd.LoadFloat32x8Slice(s[3][p : p+8])
		r4 := archsimd.LoadFloat32x8Slice(s[4][p : p+8])
		r5 := archsimd.LoadFloat32x8Slice(s[5][p : p+8])
		r6 := archsimd.LoadFloat32x8Slice(s[6][p : p+8])
		r7 := archsimd.LoadFloat32x8Slice(s[7][p : p+8])
		// Per half: t0 = {r0[0], r0[1], r1[0], r1[1]}, t1 = {r0[2], r0[3], r1[2], r1[3]}, …
		t0, t1 := r0.SelectFromPairGrouped(0, 1, 4, 5, r1), r0.SelectFromPairGrouped(2, 3, 6, 7, r1)
		t2, t3 := r2.SelectFromPairGrouped(0, 1, 4, 5, r3), r2.SelectFromPairGrouped(2, 3, 6, 7, r3)
		t4, t5 := r4.SelectFromPairGrouped(0, 1, 4, 5, r5), r4.SelectFromPairGrouped(2, 3, 6, 7, r5)
		t6, t7 := r6.SelectFromPairGrouped(0, 1, 4, 5, r7), r6.SelectFromPairGrouped(2, 3, 6, 7, r7)
		// Per half: u0 = {r0[0], r1[0], r2[0], r3[0]}, u1 = {r0[1], …}, …
		u0, u1 := t0.SelectFromPairGrouped(0, 2, 4, 6, t2), t0.SelectFromPairGrouped(1, 3, 5, 7, t2)
		u2, u3 := t1.SelectFromPairGrouped(0, 2, 4, 6, t3), t1.SelectFromPairGrouped(1, 3, 5, 7, t3)
		v0, v1 := t4.SelectFromPairGrouped(0, 2, 4, 6, t6), t4.SelectFromPairGrouped(1, 3, 5, 7, t6)
		v2, v3 := t5.SelectFromPairGrouped(0, 2, 4, 6, t7), t5.SelectFromPairGrouped(1, 3, 5, 7, t7)
		// The low halves are values p … p+3, the high halves p+4 … p+7.
		d := panel[p*width+l:]
		u0.Select128FromPair(0, 2, v0).StoreSlice(d[0*width : 0*width+8])
		u1.Select128FromPair(0, 2, v1).StoreSlice(d[1*width : 1*width+8])
		u2.Select128FromPair(0, 2, v2).StoreSlice(d[2*width : 2*width+8])
		u3.Select128FromPair(0, 2, v3).StoreSlice(d[3*width : 3*width+8])
		u0.Select128FromPair(1, 3, v0).StoreSlice(d[4*width : 4*width+8])
		u1.Select128FromPair(1, 3, v1).StoreSlice(d[5*width : 5*width+8])
		u2.Select128FromPair(1, 3, v2).StoreSlice(d[6*width : 6*width+8])
		u3.Select128FromPair(1, 3, v3).StoreSlice(d[7*width : 7*width+8])
	}
	return p
}

// transpose4x4F64 writes four lines of float64 as transpose8 does, four
// values of each at a time.
func transpose4x4F64(panel []float64, width, l int, s *[4][]float64) int {
	n := len(s[0])
	p := 0
	for ; p+4 <= n; p += 4 {
		r0 := archsimd.LoadFloat64x4Slice(s[0][p : p+4])
		r1 := archsimd.LoadFloat64x4Slice(s[1][p : p+4])
		r2 := archsimd.LoadFloat64x4Slice(s[2][p : p+4])
		r3 := archsimd.LoadFloat64x4Slice(s[3][p : p+4])
		// Per half: t0 = {r0[0], r1[0]} | {r0[2], r1[2]}, t1 = {r0[1], r1[1]} | {r0[3], r1[3]}.
		t0, t1 := r0.SelectFromPairGrouped(0, 2, r1), r0.SelectFromPairGrouped(1, 3, r1)
		t2, t3 := r2.SelectFromPairGrouped(0, 2, r3), r2.SelectFromPairGrouped(1, 3, r3)
		d := panel[p*width+l:]
		t0.Select128FromPair(0, 2, t2).StoreSlice(d[0*width : 0*width+4])
		t1.Select128FromPair(0, 2, t3).StoreSlice(d[1*width : 1*width+4])
		t0.Select128FromPair(1, 3, t2).StoreSlice(d[2*width : 2*width+4])
		t1.Select128FromPair(1, 3, t3).StoreSlice(d[3*width : 3*width+4])
	}
	return p
}
