//go:build race

package conv

// raceEnabled is set under the race detector, whose bookkeeping allocates.
const raceEnabled = true
