# userlib/: the programs' side: libhvsim (control client), the hvsim CLI.

LIBHVSIM_SRCS := userlib/libhvsim.c userlib/trace_view.c
LIBHVSIM_OBJS := $(LIBHVSIM_SRCS:%.c=$(OBJ)/%.o)
$(LIB)/libhvsim.a: $(LIBHVSIM_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BIN)/hvsim: $(OBJ)/userlib/hvsim.o $(LIB)/libhvsim.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

ALL += $(BIN)/hvsim $(LIB)/libhvsim.a
INSTALL_BIN += $(BIN)/hvsim

# The demo `make run` runs until the scenario runner replaces it.
$(BIN)/hvsim-demo: $(OBJ)/scenarios/demo.o $(LIB)/libhvsim-guest.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lpthread
$(OBJ)/scenarios/demo.o: ALL_CFLAGS += -Ihv-sim/guest
ALL += $(BIN)/hvsim-demo
