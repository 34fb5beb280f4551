# tests/xl/: Debian's xl (xen-utils-4.17) run unmodified through
# `hvsim run`: in Domain-0 it agrees with `hvsim list` as domains come, go
# and linger as zombies; in a domU it fails as on a real domU.  The zombie
# is made with libxen-peer (tests/libxen/) holding a mapping of a destroyed
# domain's page, started through tests/libxen/domproc.c.

$(O)/tests/xl-test: $(OBJ)/tests/xl/xl_test.o $(OBJ)/tests/libxen/domproc.o \
		$(OBJ)/tests/libxen/peer_fixture.o $(HARNESS_OBJS) \
		$(LIB)/libhvsim.a | $(BIN)/hvsimd $(BIN)/hvsim $(BIN)/libxen-peer \
		$(LIB)/libhvsim-preload.so $(filter $(BIN)/hvsim-kernel,$(ALL))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
# xl reaches Xen through privcmd and xenstore in its domain's kernel
ifneq ($(NO_KMOD),1)
TESTS += $(O)/tests/xl-test
endif
