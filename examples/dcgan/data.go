package main

import (
	"fmt"
	"math/rand/v2"
)

// batcher hands out batches of images in a random order, reshuffling at the end of each epoch.
// It keeps the images as bytes and scales each batch to [−1, 1] as it copies it out.
type batcher struct {
	images []uint8 // n images of size pixels each
	size   int     // values per image
	perm   []int
	pos    int
	rng    *rand.Rand
}

// newBatcher returns a batcher over images, which holds n images of size pixels each.
func newBatcher(images []uint8, size int, rng *rand.Rand) (*batcher, error) {
	if size <= 0 || len(images) == 0 || len(images)%size != 0 {
		return nil, fmt.Errorf("batcher: %d values do not make whole images of %d", len(images), size)
	}
	b := &batcher{images: images, size: size, perm: make([]int, len(images)/size), rng: rng}
	for i := range b.perm {
		b.perm[i] = i
	}
	b.shuffle()
	return b, nil
}

func (b *batcher) shuffle() {
	b.rng.Shuffle(len(b.perm), func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
	b.pos = 0
}

// next fills dst, whose length is a multiple of the image size, with the next images scaled to [−1, 1].
func (b *batcher) next(dst []float32) {
	for off := 0; off+b.size <= len(dst); off += b.size {
		if b.pos == len(b.perm) {
			b.shuffle()
		}
		i := b.perm[b.pos]
		b.pos++
		for j, p := range b.images[i*b.size : (i+1)*b.size] {
			dst[off+j] = float32(p)/127.5 - 1
		}
	}
}

// fillNormal fills dst with draws from N(0, 1).
func fillNormal(rng *rand.Rand, dst []float32) {
	for i := range dst {
		dst[i] = float32(rng.NormFloat64())
	}
}
