# tests/fuzz/: coverage-guided fuzzers (libFuzzer, Debian's clang), one per
# interface a guest or a program reaches, each driving the real code in
# process (docs/fuzzing.md).
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="hypercall xenstore"]
#   make fuzz-smoke            each target a few seconds (part of make check)
#
# With the default O=build they build and run in build/fuzz; with another
# O= in $(O).  Binaries: $(O)/fuzz/<target>; crashes, leaks and timeouts
# are left in $(O)/fuzz/crashes/<target>/ and the run prints the command
# that replays each.  FUZZ_SAN=undefined builds a UBSan-only flavour
# (faster; use its own O=).

FUZZ_CC      ?= clang
FUZZ_SAN     ?= address,undefined
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 4
# clang, and compiler-rt's libFuzzer (libclang_rt.fuzzer), only for these
FUZZ_DEPS_PKGS := clang libclang-rt-14-dev
FUZZ_ALL_TARGETS := hypercall xenstore control scenario
# (devices is the guest kernel: not with NO_KMOD=1)
ifneq ($(NO_KMOD),1)
FUZZ_ALL_TARGETS += devices
endif
FUZZ_TARGETS ?= $(FUZZ_ALL_TARGETS)

FUZZ_DIR := $(O)/fuzz
FUZZ_OBJ := $(FUZZ_DIR)/obj
# The project's own flags, for clang, with the fuzzer's coverage and the
# sanitizers; the harness links libFuzzer's main.
FUZZ_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -Itests/fuzz \
	-Iuserlib -Iscenarios $(PKG_CFLAGS) -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,$(FUZZ_SAN) -fno-sanitize-recover=all
# (hvsimd's headers for the harnesses only: its xenstore.h is not libxenstore's)
$(FUZZ_OBJ)/tests/fuzz/%.o: FUZZ_CFLAGS += -Ihv-sim
FUZZ_LDFLAGS := -fsanitize=fuzzer,$(FUZZ_SAN)

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-deps fuzz-seeds

fuzz-deps:
	@$(DEPS) --quiet $(FUZZ_DEPS_PKGS)

$(FUZZ_OBJ)/%.o: %.c | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
-include $(shell find $(FUZZ_OBJ) -name '*.d' 2>/dev/null)

fuzz_objs = $(patsubst %.c,$(FUZZ_OBJ)/%.o,$(1))

# Each target: its harness and the project's sources it drives.
FUZZ_SRCS_hypercall := tests/fuzz/hypercall_fuzz.c tests/fuzz/fuzz_loop.c hv-sim/loop_close.c tests/fuzz/fuzz_fds.c $(HVCORE_SRCS) \
	hv-sim/hypercall.c hv-sim/kernel_fault.c hv-sim/trace_abi.c hv-sim/trace_privcmd.c
FUZZ_SRCS_control := tests/fuzz/control_fuzz.c tests/fuzz/fuzz_loop.c tests/fuzz/fuzz_fds.c $(HVCORE_SRCS) \
	$(filter-out hv-sim/hvsimd.c hv-sim/loop.c,$(HVSIMD_SRCS))
FUZZ_SRCS_xenstore := tests/fuzz/xenstore_fuzz.c \
	hv-sim/xenstore.c hv-sim/xenstore_tree.c hv-sim/xenstore_watch.c
FUZZ_SRCS_scenario := tests/fuzz/scenario_fuzz.c scenarios/scn_parse.c scenarios/scn_grammar.c \
	userlib/trace_read.c userlib/fault_spec.c
# devices: the fuzzer is Domain-0's kernel, kmod's host side (all but its
# main.c) with the shim and Linux's drivers, all built by clang with the
# fuzzer's coverage; it runs a real hvsimd (this O='s) as a child.
FUZZ_SRCS_devices := tests/fuzz/devices_fuzz.c $(filter-out kmod/host/main.c,$(KMOD_HOST_SRCS)) \
	hv-sim/guest/guest.c hv-sim/gfn_map.c $(KMOD_SHIM_SRCS)
FUZZ_OBJS_devices = $(KMOD_LINUX_SRCS:%.c=$(FUZZ_OBJ)/kmod/linux/%.o)
FUZZ_LIBS_devices = $(KMOD_XENSTORE_LIBS)
FUZZ_CLANG_INC := $(shell $(FUZZ_CC) -print-file-name=include 2>/dev/null)
FUZZ_KCFLAGS = $(subst -isystem $(KMOD_GCC_INC),-isystem $(FUZZ_CLANG_INC),$(KMOD_KCFLAGS)) \
	-O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -fno-sanitize-recover=all
# (clang, unlike gcc, warns of the shim's unused module_param checks.)
# Linux's files are checked as Linux's UBSan checks them on x86: without
# `alignment` (lib/Kconfig.ubsan: UBSAN_ALIGNMENT is off where unaligned
# access is cheap), since drivers form addresses inside user memory from
# the pointers programs give (gntdev's &copy.segments[i].status).
$(FUZZ_OBJ)/kmod/linux/%.o: $(KMOD_STAGE)/%.c | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_KCFLAGS) -fno-sanitize=alignment $(KMOD_DRV_WARN) -Wno-unused-function \
		-DKBUILD_MODNAME='"$(call kmod_modname,$(notdir $*))"' -MMD -MP -c $< -o $@
$(FUZZ_OBJ)/kmod/shim/%.o: kmod/shim/%.c | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_KCFLAGS) $(KMOD_SHIM_WARN) -Wno-unused-function \
		-DKBUILD_MODNAME='"kernel"' -MMD -MP -c $< -o $@
# Linux's own gntdev.c (6.1.192 and 6.12.118 alike) reads a batch's bool
# `writeable` before ever setting it when a GRANT_COPY fails before it
# pins a page (gntdev_put_pages; harmless, nr_pages is 0): UBSan's `bool`
# check stops there at once (docs/fuzzing.md).  Linux's files compile
# unmodified, so that one check is off for that one file.
$(FUZZ_OBJ)/kmod/linux/drivers/xen/gntdev.o: FUZZ_KCFLAGS += -fno-sanitize=bool
$(FUZZ_OBJ)/kmod/host/%.o: FUZZ_CFLAGS += -Ikmod -Ihv-sim/guest -I$(KMOD_GEN)
$(FUZZ_OBJ)/hv-sim/guest/%.o: FUZZ_CFLAGS += -Ihv-sim/guest
# The hvsimd it runs: this O='s, or any built one (make check passes the
# plain build's, which it has just tested).  Its path is compiled in
# (fuzz_hvsimd.h, rewritten when it changes), so that a replay needs no
# more than the fuzzer and its input.
FUZZ_HVSIMD ?= $(abspath $(BIN)/hvsimd)
$(FUZZ_DIR)/gen/fuzz_hvsimd.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define FUZZ_HVSIMD "$(FUZZ_HVSIMD)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(FUZZ_OBJ)/tests/fuzz/devices_fuzz.o: $(FUZZ_DIR)/gen/fuzz_hvsimd.h
$(FUZZ_OBJ)/tests/fuzz/devices_fuzz.o: FUZZ_CFLAGS += -Ikmod -Ikmod/host -Ihv-sim/guest \
	-I$(FUZZ_DIR)/gen
$(FUZZ_DIR)/devices: | $(FUZZ_HVSIMD)

# Inputs longer than this are not tried (a few dozen actions or requests).
FUZZ_MAX_LEN_hypercall := 8192
FUZZ_MAX_LEN_control   := 8192
FUZZ_MAX_LEN_xenstore  := 8192
FUZZ_MAX_LEN_scenario  := 4096
FUZZ_MAX_LEN_devices   := 4096

define fuzz_target
$(FUZZ_DIR)/$(1): $(call fuzz_objs,$(FUZZ_SRCS_$(1))) $(FUZZ_OBJS_$(1))
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $$@ $$^ $(PKG_LIBS) $(FUZZ_LIBS_$(1)) -lpthread
endef
$(foreach t,$(FUZZ_ALL_TARGETS),$(eval $(call fuzz_target,$(t))))

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)

# make fuzz / fuzz-smoke with the default O=build: in build/fuzz instead.
ifeq ($(O),build)
fuzz fuzz-smoke:
	@$(MAKE) --no-print-directory O=build/fuzz $@
else
fuzz: fuzz-build
	@tests/fuzz/run.sh run $(FUZZ_SECONDS) $(FUZZ_DIR) \
		$(foreach t,$(FUZZ_TARGETS),$(t):$(FUZZ_MAX_LEN_$(t)))
fuzz-smoke: fuzz-build
	@tests/fuzz/run.sh smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_DIR) \
		$(foreach t,$(FUZZ_TARGETS),$(t):$(FUZZ_MAX_LEN_$(t)))
endif

# The binary seeds of hypercall, xenstore and devices are written by a program
# (tests/fuzz/make_seeds.c) and committed; run this after changing the
# harnesses' input formats.
fuzz-seeds: $(FUZZ_DIR)/make_seeds
	$(FUZZ_DIR)/make_seeds tests/fuzz
$(FUZZ_DIR)/make_seeds: tests/fuzz/make_seeds.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $<
