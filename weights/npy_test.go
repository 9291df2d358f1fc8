package weights

import (
	"bytes"
	"strings"
	"testing"
)

// TestNpyTorchFiles reads arrays that numpy.save wrote from the tensors of
// module.safetensors and compares them with torch's values.
func TestNpyTorchFiles(t *testing.T) {
	want := loadGolden(t)
	cases := []struct{ file, tensor string }{
		{"weight_f32.npy", "0.weight"},
		{"weight_f64.npy", "extra.weight_f64"},
		{"mask.npy", "extra.mask"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			d, err := LoadNpy("testdata/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			g := want[c.tensor]
			if got := []int(d.Shape()); len(got) != len(g.Shape) || got[0] != g.Shape[0] || got[3] != g.Shape[3] {
				t.Fatalf("shape %v, want %v", d.Shape(), g.Shape)
			}
			got := asFloat64s(t, d)
			for i := range g.Values {
				if got[i] != g.Values[i] {
					t.Fatalf("[%d] = %v, want %v", i, got[i], g.Values[i])
				}
			}
		})
	}
}

// npy assembles a version 1.0 .npy stream.
func npy(header string, data []byte) []byte {
	b := []byte(npyMagic + "\x01\x00")
	b = append(b, byte(len(header)), byte(len(header)>>8))
	return append(append(b, header...), data...)
}

func TestReadNpy(t *testing.T) {
	d, err := ReadNpy(bytes.NewReader(npy(`{"descr": "<f4", "fortran_order": False, "shape": (2,), }`, f32bytes(1.5, -2))))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Data().([]float32); d.Shape()[0] != 2 || got[0] != 1.5 || got[1] != -2 {
		t.Fatalf("got %v", d)
	}
	s, err := ReadNpy(bytes.NewReader(npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (), }`, f32bytes(3))))
	if err != nil || !s.IsScalar() || s.Data().(float32) != 3 {
		t.Fatalf("scalar: got %v, %v", s, err)
	}
}

func TestReadNpyErrors(t *testing.T) {
	cases := []struct {
		name   string
		stream []byte
		want   string
	}{
		{"short", []byte("\x93NUM"), "reading the preamble"},
		{"magic", []byte("PK\x03\x04\x00\x00\x00\x00"), "not a .npy file"},
		{"version", []byte(npyMagic + "\x04\x00"), "unsupported format version 4.0"},
		{"big-endian", npy(`{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }`, f32bytes(1)), `unsupported dtype ">f4"`},
		{"object", npy(`{'descr': '|O', 'fortran_order': False, 'shape': (1,), }`, nil), `unsupported dtype "|O"`},
		{"fortran", npy(`{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }`, f32bytes(1)), "Fortran-ordered"},
		{"short data", npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }`, f32bytes(1)), "needs 16 bytes of data, got 4"},
		{"missing key", npy(`{'descr': '<f4', 'shape': (1,), }`, f32bytes(1)), `lacks "fortran_order"`},
		{"unknown key", npy(`{'descr': '<f4', 'x': 1}`, nil), `unexpected key "x"`},
		{"bad dim", npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (a,), }`, nil), `bad dimension "a"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadNpy(bytes.NewReader(c.stream))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
