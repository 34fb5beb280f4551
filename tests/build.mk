# tests/: integration tests (they start the real hvsimd) and benchmarks.

HARNESS_OBJS := $(OBJ)/tests/harness.o

# What the peer programs in domains share (tests/peer_say.h).  They run
# under the interposer, so never with a sanitizer.
PEER_SAY_OBJ := $(OBJ)/tests/prog/peer_say.o
$(PEER_SAY_OBJ): tests/peer_say.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
$(OBJ)/tests/%.o: ALL_CFLAGS += $(CHECK_CFLAGS) -Iuserlib -Ihv-sim/guest -Itests

$(O)/tests/hv-integration-test: $(OBJ)/tests/integration/hv_test.o $(HARNESS_OBJS) \
		$(LIB)/libhvsim.a $(LIB)/libhvsim-guest.a | $(BIN)/hvsimd $(BIN)/hvsim
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/hv-integration-test

# the harness's own promises: a failed test's log, a stale pid file
$(O)/tests/harness-test: $(OBJ)/tests/harness_test.o $(HARNESS_OBJS) \
		$(LIB)/libhvsim.a | $(BIN)/hvsimd
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/harness-test

# calls follow their caller's CPU (include/hvsim/cpu.h); needs the guest kernel
ifneq ($(NO_KMOD),1)
$(O)/tests/cpu-follow-test: $(OBJ)/tests/integration/cpu_test.o $(HARNESS_OBJS) \
		$(LIB)/libhvsim-devclient.a $(LIB)/libhvsim.a $(LIB)/libhvsim-guest.a \
		| $(BIN)/hvsimd $(BIN)/hvsim-kernel
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/cpu-follow-test
endif

# xenstore through Debian's own libxenstore (libxen-dev)
XENSTORE_LIBS := $(shell $(PKG_CONFIG) --libs xenstore 2>/dev/null || echo -lxenstore)
$(O)/tests/xs-integration-test: $(OBJ)/tests/integration/xs_test.o $(HARNESS_OBJS) \
		$(LIB)/libhvsim.a | $(BIN)/hvsimd $(BIN)/hvsim
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) $(XENSTORE_LIBS) -lpthread
TESTS += $(O)/tests/xs-integration-test

$(O)/bench/bench-grant: $(OBJ)/tests/bench/bench_grant.o \
		$(LIB)/libhvsim.a $(LIB)/libhvsim-guest.a | $(BIN)/hvsimd
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
BENCHES += $(O)/bench/bench-grant
