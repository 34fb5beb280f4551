# tests/libxen/: Debian's libxengnttab and libxenevtchn (libxen-dev) in
# simulated domains: libxen-peer, the program that runs there; the test
# and the benchmark that drive two of them.

LIBXEN_CFLAGS := $(shell $(PKG_CONFIG) --cflags xengnttab xenevtchn 2>/dev/null)
LIBXEN_LIBS   := $(shell $(PKG_CONFIG) --libs xengnttab xenevtchn 2>/dev/null || \
			echo -lxengnttab -lxenevtchn)

# libxen-peer runs under the interposer, so never with a sanitizer: its
# runtime would have to come first in the process, before the preload.
LIBXEN_PEER_SRCS := peer.c ring.c notify.c copy.c bench_peer.c bench_copy.c sha256.c median.c
LIBXEN_PEER_OBJS := $(LIBXEN_PEER_SRCS:%.c=$(OBJ)/tests/libxen/peer/%.o)
$(OBJ)/tests/libxen/peer/%.o: tests/libxen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Itests $(LIBXEN_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
$(BIN)/libxen-peer: $(LIBXEN_PEER_OBJS) $(PEER_SAY_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBXEN_LIBS)
ALL += $(BIN)/libxen-peer

LIBXEN_DRIVER_OBJS := $(OBJ)/tests/libxen/domproc.o $(LIB)/libhvsim.a

$(O)/tests/libxen-test: $(OBJ)/tests/libxen/libxen_test.o $(OBJ)/tests/libxen/peer_fixture.o \
		$(HARNESS_OBJS) \
		$(LIBXEN_DRIVER_OBJS) | $(BIN)/hvsimd $(BIN)/hvsim $(BIN)/libxen-peer
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
# the programs need their domains' kernels' devices
ifneq ($(NO_KMOD),1)
TESTS += $(O)/tests/libxen-test
endif

$(O)/bench/bench-libxen: $(OBJ)/tests/libxen/bench_libxen.o $(OBJ)/tests/libxen/median.o \
		$(LIBXEN_DRIVER_OBJS) \
		| $(BIN)/hvsimd $(BIN)/hvsim $(BIN)/libxen-peer
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
BENCHES += $(O)/bench/bench-libxen
