# tests/man/: the man pages (man/) say what each --help says, and render
# without warnings.  A script: the build directory it tests is written
# into a wrapper.  (man and nroff: TEST_DEPS_PKGS, installed by `make test`.)
$(O)/tests/man-test: tests/man/build.mk | $(BIN)/hvsim $(BIN)/hvsimd $(BIN)/hvsim-scenario
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec "%s/tests/man/man-test.sh" "%s" "$$@"\n' '$(CURDIR)' '$(O)' > $@
	chmod +x $@
TESTS += $(O)/tests/man-test
