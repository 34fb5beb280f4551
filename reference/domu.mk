# The reference VM's second, real domain: a PV domU started with `xl
# create` from the dom0, and xsbridge, the byte stream over xenstore that
# joins a program in dom0 to its agent in the domU.  See
# docs/reference-domu.md.  Included at the end of reference/build.mk, whose
# variables it uses.

# xsbridge, one build for the host (hvsim's domains) and the VM.  It is
# linked with Debian's shared libxenstore: the static libxenstore.a is
# built without the reader thread, and without it a watch event that
# arrives while a request waits for its answer fails the request (EINVAL)
# and closes the connection, so a program cannot both watch and talk.  The
# VM's initramfs carries the library and glibc from the same Debian
# packages (fetch.sh --toolstack).  No sanitizer: it runs under hvsim's
# interposer, and so does the program it starts (docs/userlib.md).
XSB_SRCS := reference/xsbridge/main.c reference/xsbridge/pump.c \
	reference/xsbridge/stream.c
XSB_LIBS := $(shell $(PKG_CONFIG) --libs xenstore 2>/dev/null)
XSB_BIN  := $(BIN)/xsbridge
$(XSB_BIN): $(XSB_SRCS:%.c=$(REF_OBJ)/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(XSB_LIBS)
ALL += $(XSB_BIN)

# Its test runs two of hvsim's domains; `make test` runs it through a
# wrapper that names the build's BIN.
.PHONY: reference-xsbridge-test
reference-xsbridge-test: $(XSB_BIN) $(BIN)/hvsim $(BIN)/hvsimd
	reference/xsbridge-test.sh $(BIN)
$(O)/tests/xsbridge-test: reference/xsbridge-test.sh | $(XSB_BIN) $(BIN)/hvsim $(BIN)/hvsimd
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec %s/reference/xsbridge-test.sh %s\n' \
		"$(CURDIR)" "$(abspath $(BIN))" > $@
	chmod 755 $@
TESTS += $(O)/tests/xsbridge-test

# Debian's dom0 toolstack, unpacked apart from REF_ROOT (the one-domain
# VM does not need it); TOOLSTACK/versions changes only with a package.
REF_TOOLS := $(REF_DIR)/toolstack
.PHONY: reference-fetch-toolstack
reference-fetch-toolstack:
	@reference/fetch.sh --toolstack $(REF_CACHE) $(REF_TOOLS)
$(REF_TOOLS)/versions: reference-fetch-toolstack
	@:

# initramfs.sh sources the functions it shares with initramfs-2dom.sh.
$(REF_DIR)/initrd.cpio.gz: reference/initramfs-lib.sh

REF_2DOM_INITRD := $(REF_DIR)/initrd-2dom.cpio.gz
REF_2DOM_PARTS  := reference/init-2dom reference/domu-init reference/domu.cfg \
	reference/domu-agent.sh reference/run-programs.sh \
	reference/initramfs-2dom.sh reference/initramfs-lib.sh
$(REF_2DOM_INITRD): $(REF_VMBINS) $(XSB_BIN) $(REF_ROOT)/versions \
		$(REF_TOOLS)/versions $(REF_2DOM_PARTS)
	reference/initramfs-2dom.sh $(REF_ROOT) $(REF_TOOLS) $@ $(XSB_BIN) $(REF_VMBINS)

# One boot of the two-domain VM per configuration (REF_2DOM_CONFIGS,
# by default build.mk's REF_CONFIGS; REF_2DOM_CONFIGS=fifo saves a
# minute: the dom0 gets the configuration's event ABI from boot.sh and
# init-2dom gives the domU the same); again only when something in it
# changed.
REF_2DOM_CONFIGS ?= $(REF_CONFIGS)
# QEMU's plain qemu64 CPU, not the one-domain VM's "max": with "max",
# processes in both domains die now and then at start (SIGSEGV in glibc's
# TLS set-up, __ctype_init) or later in glibc and libgcc_s, about one start
# in thirty with several processes running; hiding FSGSBASE does not help,
# an Intel vendor string makes it worse; with qemu64 none in 140 starts.
REF_2DOM_CPU     ?= qemu64
REF_2DOM_TIMEOUT ?= 240
REF_2DOM_TXTS := $(REF_2DOM_CONFIGS:%=$(REF_DIR)/%/xen-2dom.txt)
$(REF_2DOM_TXTS): $(REF_DIR)/%/xen-2dom.txt: $(REF_2DOM_INITRD) \
		$(REF_ROOT)/versions reference/boot.sh
	@mkdir -p $(dir $@)
	REF_EVENTS=$* REF_QEMU_CPU=$(REF_2DOM_CPU) \
		REF_TIMEOUT=$(REF_2DOM_TIMEOUT) reference/boot.sh $(REF_ROOT) $< $@

# The real two-domain lines beside the emulator's run of the same pairing
# in the same configuration (reference/emulator.sh's hvsim-dom0-domU:
# program in Domain-0, agent in a domU).  `make reference` runs this too;
# REF_WITH_2DOM=0 leaves it out (the one-domain VM and the emulator runs
# only).  reference-2dom-fifo or reference-2dom-2l is one configuration.
REF_2DOM_TARGETS := $(REF_2DOM_CONFIGS:%=reference-2dom-%)
.PHONY: reference-2dom $(REF_2DOM_TARGETS)
reference-2dom: $(REF_2DOM_TARGETS)
$(REF_2DOM_TARGETS): reference-2dom-%: $(REF_DIR)/%/xen-2dom.txt \
		reference-emulator-%
	@reference/report-2dom.sh -c $* -s $(REF_DIR)/$*/summary-2dom.txt \
		-u $(REF_DIR)/$*/known-used-2dom.txt \
		$< $(REF_KNOWN) $(REF_DIR)/$*/hvsim-dom0-domU.txt
REF_WITH_2DOM ?= 1
ifeq ($(REF_WITH_2DOM),1)
reference: reference-2dom
REF_SUMMARIES  += $(REF_2DOM_CONFIGS:%=$(REF_DIR)/%/summary-2dom.txt)
REF_USED_FILES += $(REF_2DOM_CONFIGS:%=$(REF_DIR)/%/known-used-2dom.txt)
endif
