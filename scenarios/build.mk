# scenarios/: the scenario language, its runner (hvsim-scenario, which
# `hvsim scenario` execs), the agent that runs steps inside a domain, the
# scenario library and its test.

SCN_XEN_CFLAGS := $(shell $(PKG_CONFIG) --cflags xengnttab xenevtchn xenvchan xenstore 2>/dev/null)
SCN_XEN_LIBS   := $(shell $(PKG_CONFIG) --libs xengnttab xenevtchn xenvchan xenstore 2>/dev/null || \
			echo -lxengnttab -lxenevtchn -lxenvchan -lxenstore)

$(OBJ)/scenarios/%.o: ALL_CFLAGS += -Iuserlib -Iscenarios

# (the language names grant statuses as the trace does: trace_read.o)
SCN_LANG_OBJS := $(OBJ)/scenarios/scn_parse.o $(OBJ)/scenarios/scn_grammar.o \
	$(OBJ)/userlib/trace_read.o $(OBJ)/userlib/fault_spec.o
SCN_RUNNER_OBJS := $(OBJ)/scenarios/scn_main.o $(OBJ)/scenarios/scn_vars.o \
	$(OBJ)/scenarios/scn_proc.o $(OBJ)/scenarios/scn_run.o $(OBJ)/scenarios/scn_steps.o \
	$(OBJ)/scenarios/scn_steps_runner.o $(OBJ)/scenarios/scn_steps_grant.o \
	$(OBJ)/scenarios/scn_steps_event.o $(OBJ)/scenarios/scn_steps_store.o \
	$(OBJ)/scenarios/scn_steps_fault.o \
	$(OBJ)/scenarios/scn_explain.o $(OBJ)/scenarios/scn_find.o $(OBJ)/userlib/trace_svg.o \
	$(SCN_LANG_OBJS)

$(BIN)/hvsim-scenario: $(SCN_RUNNER_OBJS) $(LIB)/libhvsim.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The agent runs under the interposer, so never with a sanitizer: its
# runtime would have to come first in the process, before the preload.
SCN_AGENT_OBJS := $(addprefix $(OBJ)/scenarios/agent-prog/,agent_main.o agent_grant.o \
	agent_event.o agent_store.o)
$(OBJ)/scenarios/agent-prog/%.o: scenarios/agent/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(PKG_CFLAGS) $(SCN_XEN_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
$(BIN)/hvsim-scenario-agent: $(SCN_AGENT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(SCN_XEN_LIBS)

ALL += $(BIN)/hvsim-scenario $(BIN)/hvsim-scenario-agent
INSTALL_LIBEXEC += $(BIN)/hvsim-scenario $(BIN)/hvsim-scenario-agent

# The scenario library where the runner looks for a bare name (scn_find.h):
# PREFIX/share/hvsim/scenarios, installed by make install; in the build
# tree, $(O)/share/hvsim/scenarios, a link to this directory.
$(O)/share/hvsim/scenarios:
	@mkdir -p $(dir $@)
	ln -sfn $(CURDIR)/scenarios $@
ALL += $(O)/share/hvsim/scenarios
INSTALL_SCENARIOS := $(wildcard scenarios/*.scn)

# Unit tests of the language (the diagram's are in userlib/build.mk).
$(OBJ)/scenarios/%_test.o: ALL_CFLAGS += $(CHECK_CFLAGS)
$(O)/tests/scn-parse-test: $(OBJ)/scenarios/scn_parse_test.o $(SCN_LANG_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS)
TESTS += $(O)/tests/scn-parse-test
# finding a script by path or by name
$(O)/tests/scn-find-test: $(OBJ)/scenarios/scn_find_test.o $(OBJ)/scenarios/scn_find.o \
		$(OBJ)/userlib/project_files.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS)
TESTS += $(O)/tests/scn-find-test

# The scenario library, each script a test against its own hvsimd with
# guest kernels.
ifneq ($(NO_KMOD),1)
$(OBJ)/scenarios/scenario_test.o: ALL_CFLAGS += $(CHECK_CFLAGS) -Itests \
	-DSCENARIO_DIR='"$(CURDIR)/scenarios"'
$(O)/tests/scenario-test: $(OBJ)/scenarios/scenario_test.o $(HARNESS_OBJS) $(LIB)/libhvsim.a \
		| $(BIN)/hvsim-scenario $(BIN)/hvsim-scenario-agent $(BIN)/hvsimd \
		  $(BIN)/hvsim-kernel $(LIB)/libhvsim-preload.so
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/scenario-test
endif
