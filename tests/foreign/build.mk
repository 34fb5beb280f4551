# tests/foreign/: foreign memory for the control domain: a Domain-0 program
# maps a domU's pages by gfn with Debian's libxenforeignmemory (privcmd's
# IOCTL_PRIVCMD_MMAPBATCH_V2) and its grant table (IOCTL_PRIVCMD_MMAP_RESOURCE),
# and a domU is refused.

FOREIGN_CFLAGS := $(shell $(PKG_CONFIG) --cflags xenforeignmemory xengnttab 2>/dev/null)
FOREIGN_LIBS   := $(shell $(PKG_CONFIG) --libs xenforeignmemory xengnttab 2>/dev/null || \
			echo -lxenforeignmemory -lxengnttab)

# foreign-peer runs under the interposer, so never with a sanitizer.
$(OBJ)/tests/foreign/prog/foreign_peer.o: tests/foreign/foreign_peer.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Itests $(FOREIGN_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
$(BIN)/foreign-peer: $(OBJ)/tests/foreign/prog/foreign_peer.o $(PEER_SAY_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(FOREIGN_LIBS)
ALL += $(BIN)/foreign-peer

$(O)/tests/foreign-test: $(OBJ)/tests/foreign/foreign_test.o $(HARNESS_OBJS) \
		$(OBJ)/tests/libxen/domproc.o $(OBJ)/tests/libxen/peer_fixture.o $(LIB)/libhvsim.a \
		| $(BIN)/hvsimd $(BIN)/hvsim $(BIN)/foreign-peer
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread

# the programs need their domains' kernels' devices
ifneq ($(NO_KMOD),1)
TESTS += $(O)/tests/foreign-test
endif
