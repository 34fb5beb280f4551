# tests/: integration tests (they start the real hvsimd) and benchmarks.

HARNESS_OBJS := $(OBJ)/tests/harness.o
$(OBJ)/tests/%.o: ALL_CFLAGS += $(CHECK_CFLAGS) -Iuserlib -Ihv-sim/guest -Itests

$(O)/tests/hv-integration-test: $(OBJ)/tests/integration/hv_test.o $(HARNESS_OBJS) \
		$(LIB)/libhvsim.a $(LIB)/libhvsim-guest.a | $(BIN)/hvsimd $(BIN)/hvsim
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/hv-integration-test

$(O)/bench/bench-grant: $(OBJ)/tests/bench/bench_grant.o \
		$(LIB)/libhvsim.a $(LIB)/libhvsim-guest.a | $(BIN)/hvsimd
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
BENCHES += $(O)/bench/bench-grant
