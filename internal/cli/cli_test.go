package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestProfiled(t *testing.T) {
	errRun := errors.New("run failed")
	if err := Profiled("", func() error { return errRun }); err != errRun {
		t.Errorf("without a profile: %v, want the function's error", err)
	}
	path := filepath.Join(t.TempDir(), "cpu.prof")
	ran := false
	if err := Profiled(path, func() error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("with a profile: err %v, ran %v", err, ran)
	}
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Errorf("profile %s: %v, %v", path, st, err)
	}
	if err := Profiled(filepath.Join(t.TempDir(), "no", "such", "dir"), func() error { return nil }); err == nil {
		t.Error("no error for a profile that cannot be created")
	}
}

func TestLogTo(t *testing.T) {
	if LogTo(nil) != io.Discard {
		t.Error("LogTo(nil) is not io.Discard")
	}
	if LogTo(os.Stderr) != os.Stderr {
		t.Error("LogTo(w) is not w")
	}
}
