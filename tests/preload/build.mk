# tests/preload/: the interposer's own tests (needs the guest kernel).
# preload-test plays Domain-0 through devclient; preload-prog is the
# unmodified program it runs in the guest domain under the interposer.

ifneq ($(NO_KMOD),1)
PRELOAD_PROG_SRCS := main.c common.c readiness.c lifetimes.c exec.c threads.c notify.c \
	garbage.c mprotect.c
PRELOAD_PROG_OBJS := $(PRELOAD_PROG_SRCS:%.c=$(OBJ)/tests/preload/prog/%.o)

# preload-prog runs under the interposer: no sanitizer runtime in it (it
# would have to come first in the process, before the preload).
$(OBJ)/tests/preload/prog/%.o: tests/preload/prog/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
$(O)/tests/preload/preload-prog: $(PRELOAD_PROG_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread

PRELOAD_TEST_OBJS := $(addprefix $(OBJ)/tests/preload/,preload_test.o child.o peer.o)
# (-I$(KMOD_GEN): ksrc_info.h, so the test expects what the tree's Linux does)
$(OBJ)/tests/preload/preload_test.o: ALL_CFLAGS += -I$(KMOD_GEN)
$(O)/tests/preload-test: $(PRELOAD_TEST_OBJS) $(HARNESS_OBJS) \
		$(LIB)/libhvsim-devclient.a $(LIB)/libhvsim.a \
		| $(BIN)/hvsimd $(BIN)/hvsim-kernel $(LIB)/libhvsim-preload.so \
		  $(O)/tests/preload/preload-prog
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/preload-test
endif
