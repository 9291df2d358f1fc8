package weights_test

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/gorgonia-ext/convtranspose/weights"
)

// A safetensors stream holding one float32 tensor "w" of shape (2, 2).
func ExampleReadSafetensors() {
	header := `{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}`
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	binary.Write(&b, binary.LittleEndian, []float32{1, 2, 3, 4})

	ts, err := weights.ReadSafetensors(&b)
	if err != nil {
		fmt.Println(err)
		return
	}
	w := ts["w"]
	fmt.Println(w.Shape(), w.Dtype(), w.Data())
	// Output: (2, 2) float32 [1 2 3 4]
}
