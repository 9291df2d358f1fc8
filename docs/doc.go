// Package docs holds the runnable examples of the module's documentation,
// transposed-convolution.md and checkerboard.md in this folder. It has no
// API: every matrix and number the documents show is printed by an Example
// function here, go test checks each printed line against the Example's
// // Output: comment, and a test checks that the documents show those
// Examples' code and output exactly as they are written here.
package docs
