# tests/run/: `hvsim run` end to end (needs the guest kernel).

ifneq ($(NO_KMOD),1)
RUN_PROBES := $(O)/tests/run/run-probe $(O)/tests/run/static-probe
RUN_PROBE_LIBS := $(shell $(PKG_CONFIG) --libs xenstore xenevtchn 2>/dev/null || \
		  echo -lxenstore -lxenevtchn)

# The probes run under the interposer: no sanitizer runtime in them.
$(O)/tests/run/run-probe: tests/run/run_probe.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< $(RUN_PROBE_LIBS)
$(O)/tests/run/static-probe: tests/run/static_probe.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -static -o $@ $<

$(O)/tests/run-test: $(OBJ)/tests/run/run_test.o $(HARNESS_OBJS) $(LIB)/libhvsim.a \
		| $(BIN)/hvsimd $(BIN)/hvsim $(BIN)/hvsim-kernel $(LIB)/libhvsim-preload.so $(RUN_PROBES)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/run-test
endif
