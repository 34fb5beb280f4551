# reference/: real Xen 4.17 + Linux (Debian's image of the tree hvsim's
# kernel is built from), booted in QEMU, as the project's oracle.  See
# docs/reference.md.
#
#   make reference           run the conformance programs on real Xen and
#                            in hvsim, and show every line that differs,
#                            in both event-channel ABIs (REF_CONFIGS)
#   make reference-check     the same, or a note when QEMU is not installed
#                            (what `make check` runs)
#   make reference-boot      boot the VM again even if nothing changed
#   make reference-compare REF_OTHER=FILE [REF_CONFIG=2l]   compare the
#                            last real-Xen run (of REF_CONFIG, default
#                            fifo) with any other run's lines
#   make reference-selftest  tests of the comparison and runner scripts
#   make reference-emulator  the emulator's runs only (no VM), every
#                            configuration; reference-emulator-fifo or
#                            reference-emulator-2l one of them
#   make reference-agent-test  tests of the agent (two-domain mode)
#   make reference-programs  the conformance programs, static for the VM
#                            and dynamic for the host
#   make reference-distclean forget the downloaded packages and VM build

# The VM's kernel is Debian's image of the Linux release hvsim's guest
# kernel is built from (kmod/build.mk's KMOD_KSRC_RELEASE; fetch.sh finds
# the package, or says it falls back to 6.1's), so each tree is checked
# against real Xen running the same Linux.  What the VM and the runs make
# is kept per series, $(O)/reference for 6.1 (or an unknown release) and
# e.g. $(O)/reference-6.12: switching KVER= in one O= neither extracts a
# kernel again nor compares one series' VM with another's hvsim.
REF_KRELEASE := $(KMOD_KSRC_RELEASE)
REF_KSERIES  := $(if $(REF_KRELEASE),$(word 1,$(subst ., ,$(REF_KRELEASE))).$(word 2,$(subst ., ,$(REF_KRELEASE))),6.1)
REF_DIR   := $(O)/reference$(if $(filter-out 6.1,$(REF_KSERIES)),-$(REF_KSERIES))
# Downloaded .debs, shared by every O= variant and kept across runs.
REF_CACHE ?= build/reference-cache
REF_ROOT  := $(REF_DIR)/root
REF_KNOWN := reference/known-differences

CONF_NAMES  := gntdev gntalloc evtchn notify gntcopy libxengnttab libxenevtchn \
		privcmd
CONF_COMMON := $(addprefix tests/conformance/,conformance.c devices.c side.c \
		remote.c agent.c wire.c)
# conf-privcmd runs its cases in the peer domain too (peer_cases.h).
CONF_PEER_CASES := tests/conformance/peer_cases.c
CONF_LIBS        := $(shell $(PKG_CONFIG) --libs xengnttab xenevtchn 2>/dev/null)
CONF_STATIC_LIBS := $(shell $(PKG_CONFIG) --static --libs xengnttab xenevtchn 2>/dev/null)

# Host builds, dynamically linked: what the emulator will run, under its
# LD_PRELOAD interposer (which cannot reach into a static binary).
CONF_BINS := $(CONF_NAMES:%=$(BIN)/conformance/conf-%)
$(BIN)/conformance/conf-%: $(OBJ)/tests/conformance/%.o $(CONF_COMMON:%.c=$(OBJ)/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CONF_LIBS)
$(BIN)/conformance/conf-privcmd: $(CONF_PEER_CASES:%.c=$(OBJ)/%.o)
ALL += $(CONF_BINS)

# VM builds, static (the initramfs has no libc).  Sanitizers cannot link
# statically, so these objects are compiled without them, in a directory of
# their own.
REF_CFLAGS = $(filter-out $(SAN_FLAGS),$(ALL_CFLAGS))
REF_OBJ    := $(REF_DIR)/obj
REF_VMBINS := $(CONF_NAMES:%=$(REF_DIR)/vm/conf-%)
$(REF_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(REF_CFLAGS) -MMD -MP -c $< -o $@
$(REF_DIR)/vm/conf-%: $(REF_OBJ)/tests/conformance/%.o $(CONF_COMMON:%.c=$(REF_OBJ)/%.o)
	@mkdir -p $(dir $@)
	$(CC) -static -o $@ $^ $(CONF_STATIC_LIBS)
$(REF_DIR)/vm/conf-privcmd: $(CONF_PEER_CASES:%.c=$(REF_OBJ)/%.o)
-include $(shell find $(REF_OBJ) -name '*.d' 2>/dev/null)

# Packages: resolved with apt on every run (cheap), downloaded once;
# root/versions changes only when a package does.
.PHONY: reference-fetch
reference-fetch:
	@REF_KERNEL_RELEASE=$(REF_KRELEASE) reference/fetch.sh $(REF_CACHE) $(REF_ROOT)
$(REF_ROOT)/versions: reference-fetch
	@:

$(REF_DIR)/initrd.cpio.gz: $(REF_VMBINS) $(REF_ROOT)/versions reference/init \
		reference/run-programs.sh reference/initramfs.sh
	reference/initramfs.sh $(REF_ROOT) $@ $(REF_VMBINS)

# The configurations: which event-channel ABI every kernel uses, on both
# sides (docs/reference.md).  fifo: Linux's default (the VM's dom0 and
# domU as booted by default, hvsim's kernels as started by default); 2l:
# xen.fifo_events=0 on the VM's kernels' command lines and in
# HVSIM_KERNEL_PARAMS for hvsim's.  Each has its own directory,
# $(REF_DIR)/CONFIG, for the VM's lines and the emulator's runs;
# `make reference REF_CONFIGS=fifo` runs one.
REF_CONFIGS ?= fifo 2l
REF_XEN_TXTS := $(REF_CONFIGS:%=$(REF_DIR)/%/xen.txt)

# One boot of the VM per configuration (the same initramfs); again when
# anything that goes into it changes.
$(REF_XEN_TXTS): $(REF_DIR)/%/xen.txt: $(REF_DIR)/initrd.cpio.gz \
		$(REF_ROOT)/versions reference/boot.sh
	@mkdir -p $(dir $@)
	REF_EVENTS=$* reference/boot.sh $(REF_ROOT) $< $@

.PHONY: reference reference-boot reference-compare reference-selftest \
	reference-programs reference-distclean reference-check

# The emulator's side: the same programs in private hvsimds, four runs
# per configuration (reference/emulator.sh): self-grant in Domain-0 and in
# a domU, and with an agent in another domain, dom0 <-> domU and domU <->
# domU.  Every time (it takes seconds, and the emulator is what changes).
REF_RUNS      := hvsim-dom0 hvsim-domU-self hvsim-dom0-domU hvsim-domU-domU
REF_EMULATOR_DEPS := $(CONF_BINS) $(BIN)/hvsim $(BIN)/hvsimd \
	$(BIN)/hvsim-kernel $(LIB)/libhvsim-preload.so
REF_EMULATOR_CONFIGS := $(REF_CONFIGS:%=reference-emulator-%)
.PHONY: reference-emulator reference-agent-test $(REF_EMULATOR_CONFIGS)
reference-emulator: $(REF_EMULATOR_CONFIGS)
$(REF_EMULATOR_CONFIGS): reference-emulator-%: $(REF_EMULATOR_DEPS)
	@mkdir -p $(REF_DIR)/$*
	reference/emulator.sh --events $* $(BIN) $(REF_DIR)/$* $(CONF_BINS)

# The agent's protocol and the two halves' failure paths (no VM).
reference-agent-test: $(REF_EMULATOR_DEPS)
	tests/conformance/agent-test.sh $(BIN)

# Each configuration's report (it writes its summary lines to
# CONFIG/summary.txt and the known differences it used to
# CONFIG/known-used.txt), then every run's summary line, both
# configurations (and the two-domain VM's, from domu.mk) together, and
# the known differences no run needed.
REF_SUMMARIES  = $(REF_CONFIGS:%=$(REF_DIR)/%/summary.txt)
REF_USED_FILES = $(REF_CONFIGS:%=$(REF_DIR)/%/known-used.txt)
reference: $(REF_XEN_TXTS) reference-agent-test reference-emulator
	@rc=0; for c in $(REF_CONFIGS); do \
		reference/report.sh -c $$c -s $(REF_DIR)/$$c/summary.txt \
			-u $(REF_DIR)/$$c/known-used.txt \
			$(REF_DIR)/$$c/xen.txt $(REF_KNOWN) $(REF_ROOT)/versions \
			$(REF_RUNS:%=$(REF_DIR)/$$c/%.txt) || rc=1; \
	done; \
	echo "=== known differences that no run needed ($(REF_KNOWN))"; \
	reference/known-unused.sh $(REF_KNOWN) $(REF_USED_FILES); \
	echo "=== every run against real Xen, per event ABI (fifo: Linux's" \
	     "default; 2l: xen.fifo_events=0)"; \
	echo "  real Xen's dom0: $$(grep '^linux-image-' $(REF_ROOT)/versions);" \
	     "hvsim's kernels: $(or $(KMOD_KSRC_FROM),none)"; \
	cat $(foreach c,$(REF_CONFIGS),$(filter $(REF_DIR)/$(c)/%,$(REF_SUMMARIES))); \
	exit $$rc

# As root, QEMU is installed as the build's packages are (ci/deps);
# otherwise, without it, the comparison is skipped and says so.
REF_QEMU_PKGS := qemu-system-x86
reference-check:
	@if command -v qemu-system-x86_64 >/dev/null 2>&1 || \
	    { [ "$$(id -u)" = 0 ] && $(DEPS) --quiet $(REF_QEMU_PKGS); }; then \
		$(MAKE) --no-print-directory reference; \
	else \
		echo "reference: SKIPPED, qemu-system-x86_64 is not installed" \
		     "(apt-get install qemu-system-x86; see docs/reference.md)"; \
	fi

# Boots again even when nothing changed (the oracle itself on trial),
# every configuration.
reference-boot: $(REF_DIR)/initrd.cpio.gz
	for c in $(REF_CONFIGS); do \
		mkdir -p $(REF_DIR)/$$c && \
		REF_EVENTS=$$c reference/boot.sh $(REF_ROOT) $< \
			$(REF_DIR)/$$c/xen.txt || exit 1; \
	done

# The run's name (-r) is the file's, less .txt, as report.sh names it,
# so that the known differences limited to runs apply.
REF_CONFIG ?= fifo
reference-compare: $(REF_DIR)/$(REF_CONFIG)/xen.txt
	@test -n "$(REF_OTHER)" || { echo "usage: make reference-compare REF_OTHER=FILE [REF_CONFIG=fifo|2l]" >&2; exit 2; }
	reference/compare.sh -k $(REF_KNOWN) -l xen -r $(basename $(notdir $(REF_OTHER))) $< $(REF_OTHER)

REF_SELFTESTS := reference/compare-test.sh reference/run-programs-test.sh \
	reference/kernel-pkg-test.sh
reference-selftest:
	@for t in $(REF_SELFTESTS); do $$t || exit 1; done
# They need no VM: every `make test` runs them.
TESTS += $(REF_SELFTESTS)

reference-programs: $(CONF_BINS) $(REF_VMBINS)

reference-distclean:
	rm -rf $(REF_CACHE) $(REF_DIR)

# The reference VM's second, real domain (xl create of a PV domU): its
# rules live beside this file.
-include reference/domu.mk
