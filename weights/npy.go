package weights

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"gorgonia.org/tensor"
)

// npyMagic starts every .npy file.
const npyMagic = "\x93NUMPY"

// npyDtypes maps the little-endian NumPy type strings this reader accepts
// to safetensors' dtype names, whose decoding they share.
var npyDtypes = map[string]string{
	"<f8": "F64", "<f4": "F32", "<f2": "F16",
	"<i8": "I64", "<i4": "I32", "<i2": "I16", "|i1": "I8", "|u1": "U8", "|b1": "BOOL",
}

// LoadNpy reads the .npy file at path. See ReadNpy.
func LoadNpy(path string) (*tensor.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := ReadNpy(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// ReadNpy reads one array in NumPy's .npy format (versions 1, 2 and 3), as
// numpy.save writes it: C order, little-endian, of dtype float64, float32,
// float16 (widened to float32), int64, int32, int16, int8, uint8 or bool.
// Fortran order, big-endian data, other dtypes, and data shorter or longer
// than the shape are errors.
func ReadNpy(r io.Reader) (*tensor.Dense, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("npy: reading the preamble: %w", err)
	}
	if string(pre[:6]) != npyMagic {
		return nil, fmt.Errorf("npy: not a .npy file (magic %q)", pre[:6])
	}
	var n int
	switch major := pre[6]; major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("npy: reading the header length: %w", err)
		}
		n = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("npy: reading the header length: %w", err)
		}
		n = int(binary.LittleEndian.Uint32(b[:]))
		if n > MaxHeaderSize {
			return nil, fmt.Errorf("npy: header length %d exceeds %d bytes", n, MaxHeaderSize)
		}
	default:
		return nil, fmt.Errorf("npy: unsupported format version %d.%d", major, pre[7])
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, fmt.Errorf("npy: reading the %d-byte header: %w", n, err)
	}
	descr, fortran, shape, err := parseNpyHeader(string(header))
	if err != nil {
		return nil, err
	}
	dtype, ok := npyDtypes[descr]
	if !ok {
		return nil, fmt.Errorf("npy: unsupported dtype %q (want one of little-endian f8, f4, f2, i8, i4, i2, i1, u1, b1)", descr)
	}
	if fortran {
		return nil, fmt.Errorf("npy: Fortran-ordered arrays are not supported; save numpy.ascontiguousarray(a)")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("npy: reading the data: %w", err)
	}
	count := 1
	for _, d := range shape {
		count *= d
	}
	if want := count * dtypeSize[dtype]; len(data) != want {
		return nil, fmt.Errorf("npy: shape %v of dtype %s needs %d bytes of data, got %d", shape, descr, want, len(data))
	}
	t, err := decode(dtype, shape, data)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	return t, nil
}

// parseNpyHeader reads the Python dict literal of a .npy header, such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }.
func parseNpyHeader(h string) (descr string, fortran bool, shape []int, err error) {
	s := strings.TrimSpace(h)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return "", false, nil, fmt.Errorf("npy: header is not a dict: %q", h)
	}
	s = strings.TrimSpace(s[1 : len(s)-1])
	seen := map[string]bool{}
	for s != "" {
		key, rest, ok := quoted(s)
		if !ok {
			return "", false, nil, fmt.Errorf("npy: expected a quoted key in header %q", h)
		}
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, ":") {
			return "", false, nil, fmt.Errorf("npy: expected ':' after %q in header %q", key, h)
		}
		rest = strings.TrimSpace(rest[1:])
		switch key {
		case "descr":
			descr, rest, ok = quoted(rest)
			if !ok {
				return "", false, nil, fmt.Errorf("npy: descr must be a string in header %q", h)
			}
		case "fortran_order":
			switch {
			case strings.HasPrefix(rest, "True"):
				fortran, rest = true, rest[4:]
			case strings.HasPrefix(rest, "False"):
				fortran, rest = false, rest[5:]
			default:
				return "", false, nil, fmt.Errorf("npy: fortran_order must be True or False in header %q", h)
			}
		case "shape":
			end := strings.IndexByte(rest, ')')
			if !strings.HasPrefix(rest, "(") || end < 0 {
				return "", false, nil, fmt.Errorf("npy: shape must be a tuple in header %q", h)
			}
			shape = []int{}
			for _, f := range strings.Split(rest[1:end], ",") {
				if f = strings.TrimSpace(f); f == "" {
					continue
				}
				d, err := strconv.Atoi(f)
				if err != nil || d < 0 {
					return "", false, nil, fmt.Errorf("npy: bad dimension %q in header %q", f, h)
				}
				shape = append(shape, d)
			}
			rest = rest[end+1:]
		default:
			return "", false, nil, fmt.Errorf("npy: unexpected key %q in header %q", key, h)
		}
		seen[key] = true
		s = strings.TrimSpace(rest)
		s = strings.TrimSpace(strings.TrimPrefix(s, ","))
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return "", false, nil, fmt.Errorf("npy: header %q lacks %q", h, k)
		}
	}
	return descr, fortran, shape, nil
}

// quoted splits a leading single- or double-quoted string off s.
func quoted(s string) (val, rest string, ok bool) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", s, false
	}
	end := bytes.IndexByte([]byte(s[1:]), s[0])
	if end < 0 {
		return "", s, false
	}
	return s[1 : 1+end], s[2+end:], true
}
