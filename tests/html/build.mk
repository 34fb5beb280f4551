# tests/html/: the step-through page (hvsim scenario --html) in a real
# browser, Debian's chromium, headless (browser-test.sh).  The test installs
# BROWSER_PKGS through $(DEPS) when run as root, as CI is; elsewhere, without
# them, it says it skipped.  It runs the default scenario: guest kernels.
ifneq ($(NO_KMOD),1)
# The test is a script; what it needs of this build goes into a wrapper.
$(O)/tests/html-browser-test: tests/html/build.mk Makefile \
		| $(BIN)/hvsim $(BIN)/hvsim-scenario $(BIN)/hvsim-scenario-agent $(BIN)/hvsimd \
		  $(BIN)/hvsim-kernel $(LIB)/libhvsim-preload.so
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec "%s/tests/html/browser-test.sh" "%s" "%s" "%s" "$$@"\n' \
		'$(CURDIR)' '$(O)' '$(DEPS)' '$(BROWSER_PKGS)' > $@
	chmod +x $@
TESTS += $(O)/tests/html-browser-test

# The screenshots of the page in docs/tutorial.md, made by the same test.
.PHONY: html-screenshots
html-screenshots: all $(O)/tests/html-browser-test
	$(O)/tests/html-browser-test --screenshots docs
endif
