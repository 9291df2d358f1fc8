module github.com/gorgonia-ext/convtranspose

go 1.26
