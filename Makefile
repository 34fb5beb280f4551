# SPDX-License-Identifier: GPL-2.0-only
#
# hvsim: a full-system emulator of the Xen grant-device stack.
#
#   make            build everything into $(O) (default build/)
#   make run        the main job: two domains sharing pages
#   make check      every test, plain and under ASan and UBSan
#   make bench      benchmarks, each beside the host's own limit
#                   (BENCH_DOMAINS=N: bench-scale's domains, default 1023 + Domain-0)
#   make fuzz       the fuzzers, FUZZ_SECONDS each (docs/fuzzing.md)
#   make install    PREFIX=/usr/local DESTDIR= (LIBDIR INCLUDEDIR DOCDIR)
#   make package-test  the Debian package (debian/) built, linted, run unpacked
#   make fresh-machine-test  (root) make run + make check in a new debootstrap root
#
# SAN=address or SAN=undefined builds a sanitizer variant; `make check`
# builds the variants itself into build/asan and build/ubsan.

O       ?= build
SAN     ?=
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= gcc

# Debian packages the build and the tests need; ci/deps installs them.
# (xen-utils-4.17: Debian's own vchan-socket-proxy, run by the vchan tests;
# harmless on a machine without Xen.  xz-utils: the linux-source package
# holds its tree as a .tar.xz, and a minimal Debian, as debian:12's image,
# has no xz: tests/fresh/.)
DEPS_PKGS := gcc make pkg-config check libjson-c-dev libxen-dev libc6-dev xen-utils-4.17 xz-utils
# ... and what only the tests need, which `make test` installs the same way:
# man and nroff, for the man pages' test (tests/man/).
TEST_DEPS_PKGS := man-db groff-base
# ... and a browser for the step-through page's test (tests/html/), which
# installs it the same way itself, as root (CI); elsewhere, without it, that
# one test says it skipped.
BROWSER_PKGS := chromium

PKGS        := json-c
CHECK_PKG   := check
PKG_CONFIG  ?= pkg-config
# The command that makes sure DEPS_PKGS are installed (installs as root).
DEPS        ?= ci/deps

# The packages must be there before pkg-config is asked below and in the
# boxes' build.mk: on a fresh machine, a first `make run` installs them
# here, while the Makefile is read, and then builds with their flags.
# (`make deps` runs the same step alone; `make clean` needs none of it.)
ifeq ($(filter-out clean deps,$(or $(MAKECMDGOALS),all)),)
else ifneq ($(shell $(DEPS) --quiet $(DEPS_PKGS) >&2; echo $$?),0)
$(error some Debian packages the build needs are missing (see above))
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wmissing-prototypes
CFLAGS   ?= -O2 -g
BASE_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -fPIC
ifneq ($(SAN),)
SAN_FLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(CHECK_PKG) 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs $(CHECK_PKG) 2>/dev/null)

# (CPPFLAGS: none of ours; a packager's, such as Debian's -D_FORTIFY_SOURCE)
ALL_CFLAGS  = $(BASE_CFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

BIN := $(O)/bin
LIB := $(O)/lib
OBJ := $(O)/obj

.PHONY: all run check check-kver test test-2level test-sanitized bench install clean deps FORCE
all:
# FORCE: a prerequisite that makes a rule run on every make (its recipe then
# decides what changed, as kmod/ksrc/stage.sh does).
FORCE:

# Each box adds its targets to ALL, TESTS (check executables run by `make
# test`) and BENCHES.
ALL     :=
TESTS   :=
BENCHES :=
include hv-sim/build.mk
include userlib/build.mk
# NO_KMOD=1 leaves the guest kernel out (domains then run kernel-less).
ifneq ($(NO_KMOD),1)
-include kmod/build.mk
endif
ifneq ($(NO_REFERENCE),1)
-include reference/build.mk
endif
include tests/build.mk
# Each test family and the scenarios keep their own rules.
include $(sort $(wildcard tests/*/build.mk)) $(wildcard scenarios/build.mk)

all: $(ALL)

deps:
	@$(DEPS) $(DEPS_PKGS)

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

# Objects that test programs reach through a pattern rule are intermediate
# files to make, which it would delete after each build (and rebuild the
# next time): keep every object of a source file.  (Named, not an empty
# .SECONDARY:, which would make *every* file intermediate: a missing one
# would then never be remade, nor a header that a .d file names and that
# has gone rebuild anything.)
KEEP_OBJS := $(patsubst ./%.c,%.o,$(shell find . -path ./build -prune -o -name '*.c' -print))
.SECONDARY: $(foreach d,$(OBJ) $(REF_OBJ),$(addprefix $(d)/,$(KEEP_OBJS)))

# The default scenario: two domains sharing pages, narrated (docs/tutorial.md).
run: all
	@$(BIN)/hvsim scenario --explain scenarios/default

# Runs the current variant's tests (tests/run-tests: several at a time,
# TEST_JOBS=N to choose how many).
test: all $(TESTS)
	@$(DEPS) --quiet $(TEST_DEPS_PKGS)
	@tests/run-tests $(O) $(TESTS)

# Tests that look at what the project makes rather than at how its code
# runs: the docs and man pages against the programs, the completion, the
# browser page, make install and the first make, a rebuild after a patch.
# Neither a sanitizer nor the other event ABI changes what they see, so
# `make check` runs them once, in the plain build.
TESTS_ONE_RUN := $(O)/tests/man-test $(O)/tests/completion-test \
	$(O)/tests/html-browser-test $(O)/tests/install-test \
	tests/docs/design-test.sh tests/firstrun/firstrun-test.sh tests/runner/run-tests-test.sh \
	$(O)/tests/ksrc-rebuild-test $(REF_SELFTESTS)
# Tests that start no domain's kernel: HVSIM_KERNEL_PARAMS means nothing
# to them.
TESTS_NO_KERNEL := $(HV_UNIT_TESTS:%=$(O)/tests/hv-%-test) \
	$(O)/tests/trace-read-test $(O)/tests/trace-svg-test \
	$(O)/tests/trace-html-test $(O)/tests/scn-parse-test \
	$(O)/tests/scn-find-test $(O)/tests/harness-test

# The tests a sanitizer can fail: all but TESTS_ONE_RUN.
TESTS_SANITIZED := $(filter-out $(TESTS_ONE_RUN),$(TESTS))
test-sanitized: all $(TESTS_SANITIZED)
	@$(DEPS) --quiet $(TEST_DEPS_PKGS)
	@tests/run-tests $(O) $(TESTS_SANITIZED)

# The tests that start kernels, with every domain's kernel on the 2-level
# event ABI (Linux's xen.fifo_events=0; FIFO is the default,
# docs/evtchn.md).
TESTS_2LEVEL := $(filter-out $(TESTS_ONE_RUN) $(TESTS_NO_KERNEL),$(TESTS))
test-2level: all $(TESTS_2LEVEL)
	@$(DEPS) --quiet $(TEST_DEPS_PKGS)
	@HVSIM_KERNEL_PARAMS=xen.fifo_events=0 tests/run-tests $(O) $(TESTS_2LEVEL)

# The tests that run the guest kernel's Linux code (kernel, libxen, vchan,
# scenarios, and the conformance programs against real Xen, whose VM boots
# Debian's kernel of the same release: docs/reference.md), on the tree
# that KVER= or KSRC= names: `make O=build/k612 KVER=6.12 check-kver`.
KVER_TESTS := kmod-devices-test kmod-gntdev-pages-test kmod-fault-test cpu-follow-test \
	foreign-test run-test preload-test privcmd-test xl-test libxen-test vchan-test \
	scenario-test ksrc-rebuild-test
check-kver: all $(KVER_TESTS:%=$(O)/tests/%)
	@$(BIN)/hvsim --version
	@tests/run-tests $(O) $(KVER_TESTS:%=$(O)/tests/%)
	@$(MAKE) --no-print-directory reference-check

# make check: builds with a job per CPU; tests/run-tests runs several tests
# at a time; the reference VM's boots run side by side (each QEMU is one
# thread) with their outputs kept whole (-Otarget).  About 11 minutes from
# a fresh clone on two cores (docs/architecture.md).
CHECK_JOBS ?= $(shell nproc)
CHECK_MAKE  = $(MAKE) --no-print-directory -j$(CHECK_JOBS)
check:
	$(CHECK_MAKE) O=build SAN= test
	$(CHECK_MAKE) O=build SAN= test-2level
	$(CHECK_MAKE) -Otarget O=build SAN= reference-check
	$(CHECK_MAKE) O=build/asan SAN=address test-sanitized
	$(CHECK_MAKE) O=build/ubsan SAN=undefined test-sanitized
	$(CHECK_MAKE) O=build/fuzz SAN= FUZZ_HVSIMD=$(CURDIR)/build/bin/hvsimd fuzz-smoke

bench: all $(BENCHES)
	@for b in $(BENCHES); do $$b || exit 1; done

# make install: the programs in PREFIX/bin and PREFIX/lib/hvsim, where they
# find each other, and the scenario library, from where they run
# (userlib/project_files.h): that layout below PREFIX is fixed, so an
# unpacked but not installed tree works too.  The guest library, its
# header and pkg-config file, and the docs go to LIBDIR (Debian's package:
# /usr/lib/<multiarch>), INCLUDEDIR and DOCDIR, which may be set apart.
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DOCDIR     ?= $(PREFIX)/share/doc/hvsim
# the man pages (man/, gzip -9n as Debian ships them) and the bash completion
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
MAN_PAGES  := man/hvsim.1 man/hvsim-scenario.5 man/hvsimd.8
HVSIM_VERSION_STR := $(shell sed -n 's/^\#define HVSIM_VERSION "\(.*\)"/\1/p' include/hvsim/version.h)
# (a directory below PREFIX is written ${prefix}/..., as pkg-config files do)
pc_dir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/hvsim
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/
	$(if $(INSTALL_LIBEXEC),install -m 755 $(INSTALL_LIBEXEC) $(DESTDIR)$(PREFIX)/lib/hvsim/)
	$(if $(INSTALL_LIB),install -m 644 $(INSTALL_LIB) $(DESTDIR)$(PREFIX)/lib/hvsim/)
	install -d $(DESTDIR)$(PREFIX)/share/hvsim/scenarios
	install -m 644 $(INSTALL_SCENARIOS) $(DESTDIR)$(PREFIX)/share/hvsim/scenarios/
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/hvsim
	install -m 644 $(LIB)/libhvsim-guest.a $(DESTDIR)$(LIBDIR)/
	install -m 644 hv-sim/guest/hvsim_guest.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 include/hvsim/xen.h $(DESTDIR)$(INCLUDEDIR)/hvsim/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(call pc_dir,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(call pc_dir,$(INCLUDEDIR))|' -e 's|@VERSION@|$(HVSIM_VERSION_STR)|' \
	    hv-sim/guest/hvsim-guest.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/hvsim-guest.pc
	chmod 644 $(DESTDIR)$(LIBDIR)/pkgconfig/hvsim-guest.pc
	install -d $(DESTDIR)$(DOCDIR)/docs
	install -m 644 README.md $(DESTDIR)$(DOCDIR)/
	install -m 644 $(wildcard docs/*.md docs/*.svg docs/*.png) $(DESTDIR)$(DOCDIR)/docs/
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	for p in $(MAN_PAGES); do \
		gzip -9n -c $$p > $(DESTDIR)$(MANDIR)/man$${p##*.}/$${p##*/}.gz && \
		chmod 644 $(DESTDIR)$(MANDIR)/man$${p##*.}/$${p##*/}.gz || exit 1; done
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 completion/hvsim.bash $(DESTDIR)$(BASHCOMPDIR)/hvsim

clean:
	rm -rf build
