#!/usr/bin/env bash
# Applies the patch series in upstream/patches to a pristine copy of
# gorgonia.org/gorgonia v0.9.18 (from the Go module cache) and shows that
#
#   1. each regression test of 0002 fails on v0.9.18,
#   2. each passes once 0003 fixes the bugs,
#   3. with 0004 (ConvTranspose2d) applied, every test of the root package
#      passes, the new ones included, and the new files are gofmt-clean.
#
# Needs Go, patch and the Go module proxy, nothing else. Takes about 1¼
# minutes of CPU time (user + sys) with a warm build cache, most of it
# compiling the package's test binary twice.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
patches="$here/patches"
regressions=(
	TestConv2dDilationNotMerged     # im2colOp.WriteHash leaves out dilation
	TestConv2dSecondOrderGrad       # col2imOp has no derivative
	TestBackpropagateSharedNodes    # Backpropagate reuses an earlier call's derivatives
	TestDropoutProbabilityNotMerged # dropoutOp's hash leaves out the probability
	TestUpsampleDiffHash            # upsampleDiffOp inherits the forward op's hash
	TestInverseSqrtDiff             # InverseSqrt's derivative: -g/(2y³) instead of -g·y³/2
)

step() { printf '\n== %s\n' "$*"; }

src=$(go mod download -json gorgonia.org/gorgonia@v0.9.18 | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$src" ] || [ ! -f "$src/go.mod" ]; then
	echo "cannot find gorgonia v0.9.18 in the module cache" >&2
	exit 1
fi
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$src" "$work/gorgonia"
chmod -R u+w "$work/gorgonia"
cd "$work/gorgonia"

apply() {
	step "apply $1"
	patch -p1 --forward --quiet <"$patches/$1"
}

apply 0001-go-mod-go1.21-assume-no-moving-gc.patch
apply 0002-regression-tests.patch

step "the regression tests fail on v0.9.18"
go test -c -o "$work/before.test" .
for t in "${regressions[@]}"; do
	if (cd "$work/gorgonia" && "$work/before.test" -test.run "^$t\$" -test.count=1) >"$work/$t.log" 2>&1; then
		echo "$t passes on v0.9.18: it does not show the bug"
		exit 1
	fi
	why=""
	for pattern in 'Messages:' 'panic:' 'Error:' '_test.go:[0-9]+: .'; do
		why=$(grep -m1 -E "$pattern" "$work/$t.log" | sed 's/^[[:space:]]*//') && break
	done
	printf '%-32s fails: %s\n' "$t" "$why"
done

apply 0003-fix-hashes-col2im-invsqrt-stale-derivatives.patch
step "the regression tests pass with the fixes"
go test -count=1 -run "^($(IFS='|'; echo "${regressions[*]}"))\$" -v . | grep -E '^(--- |ok|FAIL|PASS)'

apply 0004-convtranspose2d.patch
step "gofmt of the new files"
unformatted=$(gofmt -l op_convtranspose.go op_convtranspose_kernels.go op_convtranspose_test.go op_convtranspose_golden_test.go)
if [ -n "$unformatted" ]; then
	echo "not gofmt-clean: $unformatted"
	exit 1
fi

step "every test of the patched root package"
go test -count=1 -run 'ConvTranspose' -v . | grep -E '^(--- |ok|FAIL)'
go test -count=1 .
