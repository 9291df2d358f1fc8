//go:build !race

package fastblas

// raceEnabled is set under the race detector, whose bookkeeping allocates.
const raceEnabled = false
