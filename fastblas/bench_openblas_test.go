//go:build openblas

package fastblas

import "github.com/gorgonia-ext/convtranspose/openblas"

func init() {
	engines = append(engines, benchEngine{"openblas", openblas.Implementation{}, openblas.Implementation{}})
}
