# tests/ksrc/: the guest kernel is rebuilt from what changed in its Linux
# tree (kmod/ksrc/stage.sh), and runs it (needs the guest kernel).
ifneq ($(NO_KMOD),1)
# The probe runs under the interposer: no sanitizer runtime in it.
$(O)/tests/ksrc/gntalloc-limit-probe: tests/ksrc/gntalloc_limit_probe.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $<
# The test is a script; what it needs of this build is written into a
# wrapper: the build directory as make names it, and the variant.
$(O)/tests/ksrc-rebuild-test: tests/ksrc/build.mk $(O)/tests/ksrc/gntalloc-limit-probe \
		| $(BIN)/hvsim $(BIN)/hvsimd $(BIN)/hvsim-kernel $(LIB)/libhvsim-preload.so
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec "%s/tests/ksrc/rebuild-test.sh" "%s" "%s" "$$@"\n' \
		'$(CURDIR)' '$(O)' '$(SAN)' > $@
	chmod +x $@
TESTS += $(O)/tests/ksrc-rebuild-test
endif
