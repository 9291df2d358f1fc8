package conv

// transposeTile is the side of the square blocks transpose moves at a time.
// A block's source rows are read in order and its 16 destination rows each
// receive 16 elements: few enough lines that, even when the destination's
// row stride is a power of two and every line falls in the same few sets of
// the first-level cache, they stay there until the block is done. (32 rows
// of 2 KiB stride overflow an 8-way cache's sets and ran 4-5 times slower;
// the element-by-element transpose it replaces, 2-5 times.)
const transposeTile = 16

// transpose writes the rows×cols matrix src (row-major) into dst as its
// cols×rows transpose.
func transpose[T Float](src []T, rows, cols int, dst []T) {
	src, dst = src[:rows*cols], dst[:rows*cols]
	for i0 := 0; i0 < rows; i0 += transposeTile {
		i1 := min(i0+transposeTile, rows)
		for j0 := 0; j0 < cols; j0 += transposeTile {
			j1 := min(j0+transposeTile, cols)
			for i := i0; i < i1; i++ {
				for j, v := range src[i*cols+j0 : i*cols+j1] {
					dst[(j0+j)*rows+i] = v
				}
			}
		}
	}
}
