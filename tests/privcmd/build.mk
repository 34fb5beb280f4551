# tests/privcmd/: privcmd from programs in domains (docs/privcmd.md):
# privcmd-xc, a program on Debian's libxenctrl and raw privcmd ioctls that
# runs there, and privcmd-test, which starts hvsimd, domains and it.

PRIVCMD_XC_CFLAGS := $(shell $(PKG_CONFIG) --cflags xencontrol xenevtchn 2>/dev/null)
PRIVCMD_XC_LIBS   := $(shell $(PKG_CONFIG) --libs xencontrol xenevtchn 2>/dev/null || \
			echo -lxenctrl -lxenevtchn)

# privcmd-xc runs under the interposer, so never with a sanitizer: its
# runtime would have to come first in the process, before the preload.
PRIVCMD_XC_SRCS := privcmd_xc.c query.c ports.c raw.c loop.c
PRIVCMD_XC_OBJS := $(PRIVCMD_XC_SRCS:%.c=$(OBJ)/tests/privcmd/prog/%.o)
$(OBJ)/tests/privcmd/prog/%.o: tests/privcmd/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Itests $(PRIVCMD_XC_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
$(BIN)/privcmd-xc: $(PRIVCMD_XC_OBJS) $(PEER_SAY_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PRIVCMD_XC_LIBS)
ALL += $(BIN)/privcmd-xc

# what the test starts: the daemon, the domains' kernels, the interposer,
# privcmd-xc, and vchan's two ends for the traffic that must go on
PRIVCMD_RUNTIME := $(BIN)/hvsimd $(BIN)/hvsim $(BIN)/privcmd-xc $(BIN)/vchan-server \
	$(BIN)/vchan-client $(LIB)/libhvsim-preload.so $(filter $(BIN)/hvsim-kernel,$(ALL))

$(O)/tests/privcmd-test: $(OBJ)/tests/privcmd/privcmd_test.o $(OBJ)/tests/vchan/domain_proc.o \
		$(OBJ)/tests/vchan/stream.o $(HARNESS_OBJS) $(LIB)/libhvsim.a | $(PRIVCMD_RUNTIME)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
# the programs need their domains' kernels' devices
ifneq ($(NO_KMOD),1)
TESTS += $(O)/tests/privcmd-test
endif
