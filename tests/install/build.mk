# tests/install/: `make install` of this build into a scratch root, and the
# installed programs run from there, outside the tree: the scenario
# library found by name, the guest library linked through its .pc file.
# The test is a script that runs make install on the build under test, so
# the wrapper made here hands it the variables that choose that build.
INSTALL_TEST_VARS := SAN KVER KSRC KSRC_CACHE KSRC_TARBALL NO_KMOD NO_REFERENCE
$(O)/tests/install-test: tests/install/build.mk FORCE
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec %s %s\n' '$(CURDIR)/tests/install/install-test.sh' \
		"'O=$(O)' $(foreach v,$(INSTALL_TEST_VARS),$(if $(filter command line,$(origin $(v))),'$(v)=$($(v))'))" \
		> $@.new && chmod +x $@.new && mv -f $@.new $@
TESTS += $(O)/tests/install-test
