# SPDX-License-Identifier: GPL-2.0-only
#
# hvsim: a full-system emulator of the Xen grant-device stack.
#
#   make            build everything into $(O) (default build/)
#   make run        the main job: two domains sharing pages
#   make check      every test, plain and under ASan and UBSan
#   make bench      benchmarks, each beside the host's own limit
#   make install    PREFIX=/usr/local DESTDIR=
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
# harmless on a machine without Xen.)
DEPS_PKGS := gcc make pkg-config check libjson-c-dev libxen-dev libc6-dev xen-utils-4.17

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

ALL_CFLAGS  = $(BASE_CFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

BIN := $(O)/bin
LIB := $(O)/lib
OBJ := $(O)/obj

.PHONY: all run check check-kver test test-2level bench install clean deps FORCE
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

# Runs the current variant's tests.
test: all $(TESTS)
	@tests/run-tests $(O) $(TESTS)

# The same tests with every domain's kernel on the 2-level event ABI
# (Linux's xen.fifo_events=0; FIFO is the default, docs/evtchn.md).
test-2level: all $(TESTS)
	@HVSIM_KERNEL_PARAMS=xen.fifo_events=0 tests/run-tests $(O) $(TESTS)

# The tests that run the guest kernel's Linux code (kernel, libxen, vchan,
# scenarios, and the conformance programs against real Xen, whose VM boots
# Debian's kernel of the same release: docs/reference.md), on the tree
# that KVER= or KSRC= names: `make O=build/k612 KVER=6.12 check-kver`.
KVER_TESTS := kmod-devices-test kmod-gntdev-pages-test cpu-follow-test foreign-test \
	run-test preload-test privcmd-test xl-test libxen-test vchan-test \
	scenario-test ksrc-rebuild-test
check-kver: all $(KVER_TESTS:%=$(O)/tests/%)
	@$(BIN)/hvsim --version
	@tests/run-tests $(O) $(KVER_TESTS:%=$(O)/tests/%)
	@$(MAKE) --no-print-directory reference-check

check:
	$(MAKE) --no-print-directory O=build SAN= test
	$(MAKE) --no-print-directory O=build SAN= test-2level
	$(MAKE) --no-print-directory O=build SAN= reference-check
	$(MAKE) --no-print-directory O=build/asan SAN=address test
	$(MAKE) --no-print-directory O=build/ubsan SAN=undefined test

bench: all $(BENCHES)
	@for b in $(BENCHES); do $$b || exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/hvsim
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/
	$(if $(INSTALL_LIBEXEC),install -m 755 $(INSTALL_LIBEXEC) $(DESTDIR)$(PREFIX)/lib/hvsim/)
	$(if $(INSTALL_LIB),install -m 644 $(INSTALL_LIB) $(DESTDIR)$(PREFIX)/lib/hvsim/)

clean:
	rm -rf build
