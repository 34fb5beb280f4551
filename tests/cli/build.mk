# tests/cli/: the hvsim command line as a user meets it: kernel logs, a
# create that fails, what `list` shows, usage errors, unsafe state
# directories.  Its kernel tests need hvsim-kernel (not with NO_KMOD=1).

$(O)/tests/cli-test: $(OBJ)/tests/cli/cli_test.o $(HARNESS_OBJS) \
		$(LIB)/libhvsim-devclient.a $(LIB)/libhvsim.a \
		| $(BIN)/hvsimd $(BIN)/hvsim $(if $(filter 1,$(NO_KMOD)),,$(BIN)/hvsim-kernel)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/cli-test
