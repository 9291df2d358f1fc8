// Package openblas hands Gorgonia a BLAS backed by OpenBLAS, through gonum's
// cgo bindings (gonum.org/v1/netlib/blas/netlib).
//
// It is opt-in: the binding needs cgo and the OpenBLAS library, so it is
// compiled only with the openblas build tag. Without the tag the package holds
// nothing but Available, which is false, so that code mentioning the package
// still builds everywhere.
//
// # Building
//
// Install OpenBLAS's development files (Debian and Ubuntu: the
// libopenblas-dev package) and build with cgo and the tag:
//
//	apt-get install -y libopenblas-dev
//	CGO_ENABLED=1 go build -tags openblas ./...
//
// The package links with -lopenblas itself; no CGO_LDFLAGS are needed when
// the library is on the default linker path. OpenBLAS runs its own threads:
// OPENBLAS_NUM_THREADS bounds them.
//
// # Using it
//
// One call switches every matrix product of a Gorgonia graph, convolutions
// and transposed convolutions included, to OpenBLAS:
//
//	if openblas.Available {
//		gorgonia.Use(openblas.Implementation{})
//	}
//
// (Implementation exists only in builds with the tag; without it, reference it
// from a file built with the same tag.)
package openblas
