# tests/vchan/: vchan between two domains through Debian's libxenvchan
# (docs/vchan.md): two programs, their test, their benchmark.

VCHAN_LIBS := $(shell $(PKG_CONFIG) --libs xenvchan xenstore 2>/dev/null || echo -lxenvchan -lxenstore)
VCHAN_POBJ := $(OBJ)/tests/vchan/prog
VCHAN_PROG_OBJS := $(addprefix $(VCHAN_POBJ)/,stream.o vchan_link.o vchan_xfer.o vchan_modes.o vchan_ping.o)

# The programs run under the interposer, so no sanitizer: its runtime
# would have to come first in the process (see the contract in docs/vchan.md).
$(VCHAN_POBJ)/%.o: tests/vchan/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BIN)/vchan-server: $(VCHAN_POBJ)/vchan_server.o $(VCHAN_PROG_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(VCHAN_LIBS)
$(BIN)/vchan-client: $(VCHAN_POBJ)/vchan_client.o $(VCHAN_PROG_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(VCHAN_LIBS)
ALL += $(BIN)/vchan-server $(BIN)/vchan-client

# The test and the benchmark drive them from outside the domains: any flags.
VCHAN_HOST_OBJS := $(OBJ)/tests/vchan/domain_proc.o $(OBJ)/tests/vchan/stream.o
# what they start: the daemon, the domains' kernels, the interposer, the two ends
VCHAN_RUNTIME := $(BIN)/hvsimd $(BIN)/hvsim $(BIN)/vchan-server $(BIN)/vchan-client \
	$(LIB)/libhvsim-preload.so $(filter $(BIN)/hvsim-kernel,$(ALL))

$(O)/tests/vchan-test: $(OBJ)/tests/vchan/vchan_test.o $(VCHAN_HOST_OBJS) $(HARNESS_OBJS) \
		$(LIB)/libhvsim.a | $(VCHAN_RUNTIME)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) $(VCHAN_LIBS) -lpthread
# the programs need their domains' kernels' devices
ifneq ($(NO_KMOD),1)
TESTS += $(O)/tests/vchan-test
endif

$(O)/bench/bench-vchan: $(OBJ)/tests/vchan/bench_vchan.o $(VCHAN_HOST_OBJS) \
		$(LIB)/libhvsim.a | $(VCHAN_RUNTIME)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread
BENCHES += $(O)/bench/bench-vchan
