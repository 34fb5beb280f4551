# tests/completion/: the bash completion (completion/hvsim.bash), called as
# bash calls it; its options are those of each --help.  A script: the
# build directory whose hvsim it asks is written into a wrapper.
$(O)/tests/completion-test: tests/completion/build.mk | $(BIN)/hvsim
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec bash "%s/tests/completion/completion-test.sh" "%s" "$$@"\n' \
		'$(CURDIR)' '$(O)' > $@
	chmod +x $@
TESTS += $(O)/tests/completion-test
