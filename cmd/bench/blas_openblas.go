//go:build openblas

package main

import "github.com/gorgonia-ext/convtranspose/openblas"

func init() { blasChoices["openblas"] = openblas.Implementation{} }
