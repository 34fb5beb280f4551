# userlib/: the programs' side: libhvsim (the control client and its neighbours),
# devclient and the interposer (the device socket), the hvsim CLI.

LIBHVSIM_SRCS := userlib/libhvsim.c userlib/trace_read.c userlib/trace_view.c userlib/trace_svg.c \
	userlib/trace_narrate.c userlib/trace_html.c userlib/trace_html_page.c userlib/log_view.c
# beside the control client: hvsimd up/down, finding the project's files,
# the interposer's reach, a domain's environment (libhvsim.h says which is where)
LIBHVSIM_SRCS += userlib/daemon.c userlib/project_files.c userlib/program_check.c \
	userlib/domain_env.c
# the words of fault injection, for the command and the scenario verb
LIBHVSIM_SRCS += userlib/fault_spec.c
LIBHVSIM_OBJS := $(LIBHVSIM_SRCS:%.c=$(OBJ)/%.o)
# the step-through page's style and script, built in (trace_html_page.c)
$(OBJ)/userlib/trace_html_page.o: ALL_CFLAGS += -DTRACE_HTML_DIR='"$(CURDIR)/userlib"'
$(OBJ)/userlib/trace_html_page.o: userlib/trace_html.css userlib/trace_html.js
# (Remade when the list changes too: an archive only ever gains members.)
$(LIB)/libhvsim.a: $(LIBHVSIM_OBJS) userlib/build.mk
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $(filter %.o,$^)

$(BIN)/hvsim: $(OBJ)/userlib/hvsim.o $(OBJ)/userlib/fault_cmd.o $(LIB)/libhvsim.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

ALL += $(BIN)/hvsim $(LIB)/libhvsim.a
INSTALL_BIN += $(BIN)/hvsim

# The programs' side of the device socket (devclient.c), which the
# interposer builds on and the tests use directly.
$(LIB)/libhvsim-devclient.a: $(OBJ)/userlib/devclient.o
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $^
ALL += $(LIB)/libhvsim-devclient.a


# The interposer (docs/userlib.md).  It is loaded into programs that are
# not built with ASan, so it never is either (the ASan runtime must come
# first in a process); UBSan's runtime can be loaded anywhere.
PRELOAD_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -fPIC -fvisibility=hidden \
	$(if $(filter undefined,$(SAN)),$(SAN_FLAGS)) $(CPPFLAGS) $(CFLAGS)
$(OBJ)/preload/%.o: userlib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(PRELOAD_CFLAGS) -MMD -MP -c $< -o $@
$(LIB)/libhvsim-preload.so: $(OBJ)/preload/preload.o $(OBJ)/preload/devclient.o
	@mkdir -p $(dir $@)
	$(CC) -shared $(if $(filter undefined,$(SAN)),$(SAN_FLAGS)) $(LDFLAGS) -o $@ $^ -ldl -lpthread
ALL += $(LIB)/libhvsim-preload.so
INSTALL_LIB += $(LIB)/libhvsim-preload.so

# Unit tests: the trace reader, the diagram and the page, each on a trace the test writes.
$(OBJ)/userlib/%_test.o: ALL_CFLAGS += $(CHECK_CFLAGS)
$(O)/tests/trace-read-test: $(OBJ)/userlib/trace_read_test.o $(OBJ)/userlib/trace_read.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS)
$(O)/tests/trace-svg-test: $(OBJ)/userlib/trace_svg_test.o $(OBJ)/userlib/trace_svg.o \
		$(OBJ)/userlib/trace_read.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS)
# the step-through page
$(O)/tests/trace-html-test: $(OBJ)/userlib/trace_html_test.o $(OBJ)/userlib/trace_html.o \
		$(OBJ)/userlib/trace_html_page.o $(OBJ)/userlib/trace_narrate.o $(OBJ)/userlib/trace_read.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS)
TESTS += $(O)/tests/trace-read-test $(O)/tests/trace-svg-test $(O)/tests/trace-html-test
