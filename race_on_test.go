//go:build race

package convtranspose

// raceEnabled is set under the race detector, whose bookkeeping allocates.
const raceEnabled = true
