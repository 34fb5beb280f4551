# tests/fresh/: `make fresh-machine-test` (root) makes a minimal Debian 12
# with debootstrap, gives it only `make` and a clean copy of the tree, and
# runs README's two commands there, `make run` and `make check`, which must
# install everything they need themselves.  Not part of `make check` (it
# runs a whole make check inside); .ci/run runs it last, where CI's own
# machine, with every package installed already, could not notice a
# missing install step.
.PHONY: fresh-machine-test
fresh-machine-test:
	@tests/fresh/fresh-machine-test.sh
