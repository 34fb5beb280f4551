# tests/killsweep/: the kill -9 sweep (issue 18; docs/architecture.md,
# "Tests"): every process of a two-domain share / map / notify / vchan run
# SIGKILLed after and during every step, then what the survivors were told and what
# leaked.  killsweep-peer is the program in each domain.

KILLSWEEP_LIBS := $(shell $(PKG_CONFIG) --libs xengnttab xenevtchn xenvchan xenstore 2>/dev/null || \
			echo -lxengnttab -lxenevtchn -lxenvchan -lxenstore)

# It runs under the interposer, so never with a sanitizer.  The test
# (killsweep_test.c, ks_state.c) is built by tests/build.mk's rule.
$(OBJ)/tests/killsweep/prog/%.o: tests/killsweep/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Itests $(CFLAGS) -MMD -MP -c $< -o $@
$(BIN)/killsweep-peer: $(OBJ)/tests/killsweep/prog/ks_peer.o $(PEER_SAY_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(KILLSWEEP_LIBS)
ALL += $(BIN)/killsweep-peer

# Under a sanitizer hvsimd's memory is not checked (ASan's quarantine).
$(OBJ)/tests/killsweep/killsweep_test.o: ALL_CFLAGS += $(if $(SAN),-DKILLSWEEP_SAN)
$(O)/tests/killsweep-test: $(OBJ)/tests/killsweep/killsweep_test.o $(OBJ)/tests/killsweep/ks_state.o \
		$(OBJ)/tests/vchan/domain_proc.o $(HARNESS_OBJS) $(LIB)/libhvsim.a \
		| $(BIN)/hvsimd $(BIN)/hvsim $(BIN)/killsweep-peer $(LIB)/libhvsim-preload.so \
		  $(filter $(BIN)/hvsim-kernel,$(ALL))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
# the programs need their domains' kernels' devices
ifneq ($(NO_KMOD),1)
TESTS += $(O)/tests/killsweep-test
endif
