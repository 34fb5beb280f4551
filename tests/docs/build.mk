# tests/docs/: the repository's copy of the design brief stays the brief.
TESTS += tests/docs/design-test.sh

# The tutorial's outputs are what the commands print (tutorial-test.sh);
# its commands run scenarios, so it needs the guest kernel.  A script:
# the build directory it runs is written into a wrapper.
ifneq ($(NO_KMOD),1)
$(O)/tests/tutorial-test: tests/docs/build.mk \
		| $(BIN)/hvsim $(BIN)/hvsim-scenario $(BIN)/hvsim-scenario-agent $(BIN)/hvsimd \
		  $(BIN)/hvsim-kernel $(LIB)/libhvsim-preload.so
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec "%s/tests/docs/tutorial-test.sh" "%s" "$$@"\n' '$(CURDIR)' '$(O)' > $@
	chmod +x $@
TESTS += $(O)/tests/tutorial-test

# Rewrites the tutorial's blocks whose numbers drifted (the test's --update).
.PHONY: tutorial-update
tutorial-update: all $(O)/tests/tutorial-test
	$(O)/tests/tutorial-test --update
endif
