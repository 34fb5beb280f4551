# userlib/: the programs' side: libhvsim (control client), the hvsim CLI.

LIBHVSIM_SRCS := userlib/libhvsim.c userlib/trace_view.c userlib/trace_svg.c
LIBHVSIM_OBJS := $(LIBHVSIM_SRCS:%.c=$(OBJ)/%.o)
# (Remade when the list changes too: an archive only ever gains members.)
$(LIB)/libhvsim.a: $(LIBHVSIM_OBJS) userlib/build.mk
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $(filter %.o,$^)

$(BIN)/hvsim: $(OBJ)/userlib/hvsim.o $(LIB)/libhvsim.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

ALL += $(BIN)/hvsim $(LIB)/libhvsim.a
INSTALL_BIN += $(BIN)/hvsim


# The interposer (docs/userlib.md).  It is loaded into programs that are
# not built with ASan, so it never is either (the ASan runtime must come
# first in a process); UBSan's runtime can be loaded anywhere.
PRELOAD_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -fPIC -fvisibility=hidden \
	$(if $(filter undefined,$(SAN)),$(SAN_FLAGS)) $(CFLAGS)
$(OBJ)/preload/%.o: userlib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(PRELOAD_CFLAGS) -MMD -MP -c $< -o $@
$(LIB)/libhvsim-preload.so: $(OBJ)/preload/preload.o $(OBJ)/preload/devclient.o
	@mkdir -p $(dir $@)
	$(CC) -shared $(if $(filter undefined,$(SAN)),$(SAN_FLAGS)) -o $@ $^ -ldl -lpthread
ALL += $(LIB)/libhvsim-preload.so
INSTALL_LIB += $(LIB)/libhvsim-preload.so
