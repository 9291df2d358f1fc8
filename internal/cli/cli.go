// Package cli holds what the example commands share around their training
// loops: a CPU profile on request and an optional log.
package cli

import (
	"io"
	"os"
	"runtime/pprof"
)

// Profiled runs f, under the CPU profiler writing to path when path is not
// empty. It returns f's error, or else the profile's.
func Profiled(path string, f func() error) error {
	if path == "" {
		return f()
	}
	pf, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(pf); err != nil {
		pf.Close()
		return err
	}
	err = f()
	pprof.StopCPUProfile()
	if cerr := pf.Close(); err == nil {
		err = cerr
	}
	return err
}

// LogTo returns w, or io.Discard when w is nil, so that a caller that wants
// no log can pass nil.
func LogTo(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
