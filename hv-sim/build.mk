# hv-sim/: the hypervisor daemon and the guest side of its transport.

# The semantic core: no sockets, unit-tested directly.
HVCORE_SRCS := hv-sim/domain.c hv-sim/grant_table.c hv-sim/evtchn.c hv-sim/evtchn_fifo.c \
               hv-sim/fault.c \
               hv-sim/trace.c hv-sim/gfn_map.c hv-sim/state_dump.c \
               hv-sim/xenstore.c hv-sim/xenstore_tree.c hv-sim/xenstore_watch.c
# the toolstack hypercalls programs make through privcmd
HVCORE_SRCS += hv-sim/guest_mem.c hv-sim/privcmd_hypercall.c hv-sim/xen_version.c \
               hv-sim/domctl.c hv-sim/sysctl.c hv-sim/dm_op.c hv-sim/memory_op.c
HVCORE_OBJS := $(HVCORE_SRCS:%.c=$(OBJ)/%.o)
$(LIB)/libhvcore.a: $(HVCORE_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $^

HVSIMD_SRCS := hv-sim/hvsimd.c hv-sim/hypercall.c hv-sim/control.c \
               hv-sim/fault_ctl.c hv-sim/kernel_fault.c \
               hv-sim/trace_abi.c hv-sim/trace_privcmd.c hv-sim/loop.c hv-sim/loop_close.c hv-sim/daemon_hooks.c hv-sim/kernel_proc.c \
               hv-sim/xenstore_server.c hv-sim/xenstore_cmd.c
HVSIMD_OBJS := $(HVSIMD_SRCS:%.c=$(OBJ)/%.o)
$(BIN)/hvsimd: $(HVSIMD_OBJS) $(LIB)/libhvcore.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

# The guest side of the hypercall transport, used by guest kernels.
GUEST_SRCS := hv-sim/guest/guest.c hv-sim/gfn_map.c
GUEST_OBJS := $(GUEST_SRCS:%.c=$(OBJ)/%.o)
$(LIB)/libhvsim-guest.a: $(GUEST_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $^

ALL += $(BIN)/hvsimd $(LIB)/libhvsim-guest.a
INSTALL_LIBEXEC += $(BIN)/hvsimd

# Unit tests (check), next to what they test.
HV_UNIT_TESTS := grant_table evtchn evtchn_fifo domain xenstore trace
HV_UNIT_TESTS += privcmd dm_op memory_op state_dump
HV_UNIT_TESTS += fault
# the hypercall records' text is trace_abi.c's (hvsimd's, not libhvcore's)
$(O)/tests/hv-trace-test: $(OBJ)/hv-sim/trace_abi.o
$(O)/tests/hv-%-test: $(OBJ)/hv-sim/%_test.o $(OBJ)/hv-sim/test_support.o $(LIB)/libhvcore.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS)
$(OBJ)/hv-sim/%_test.o: ALL_CFLAGS += $(CHECK_CFLAGS)
TESTS += $(HV_UNIT_TESTS:%=$(O)/tests/hv-%-test)
