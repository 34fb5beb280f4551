# kmod/: the guest kernel, hvsim-kernel: the real drivers/xen/{gntdev,
# gntalloc,evtchn,privcmd}.c on a user-mode kernel shim.  See docs/kmod.md.

# Driver sources: Debian's linux-source-$(KVER) package (6.1, the default,
# or 6.12), downloaded once into a cache that every O= variant shares, or
# any tree given as KSRC= (which then wins over KVER).
KVER         ?= 6.1
KSRC_CACHE   ?= build/src
KSRC_DEBPKG  := linux-source-$(KVER)
KSRC_DEBTREE := $(KSRC_CACHE)/$(KSRC_DEBPKG)
KSRC         ?= $(KSRC_DEBTREE)
KMOD_STAGE   := $(O)/kmod/ksrc
KMOD_GEN     := $(O)/kmod/gen

# KSRC_TARBALL: the package's tree as a .tar.xz already on this machine,
# taken instead of a download: by default Debian's own, once the
# linux-source-$(KVER) package is installed (the Debian package's build
# has it as a Build-Depends: debian/rules).
KSRC_TARBALL ?= $(wildcard /usr/src/$(KSRC_DEBPKG).tar.xz)

$(KSRC_DEBTREE)/.from-deb: kmod/ksrc/files.txt kmod/ksrc/fetch.sh kmod/ksrc/list.sh \
		$(wildcard $(KSRC_TARBALL))
	kmod/ksrc/fetch.sh $(KSRC_CACHE) $(KSRC_DEBPKG) $(KSRC_TARBALL)

ifeq ($(KSRC),$(KSRC_DEBTREE))
KMOD_KSRC_DEP := $(KSRC_DEBTREE)/.from-deb
endif
# The stage ($(KMOD_STAGE): the tree's files of files.txt, its version.h)
# is brought in line with KSRC on every make, while the makefiles are read:
# make remakes an included makefile before it looks at any other target, so
# every staged file is current before an object's prerequisites are
# compared.  stage.sh copies only the files whose content changed, so an
# edit in the tree, another KSRC or KVER, or an edit taken back rebuilds
# exactly the objects that read what changed (docs/kmod.md).  ksrc.mk
# (KMOD_KSRC_RELEASE, KMOD_KSRC_FROM, KMOD_KSRC_VERSION_CODE) changes, and
# make starts over, only when the tree's version or origin does.
$(KMOD_GEN)/ksrc.mk: FORCE $(KMOD_KSRC_DEP)
	@kmod/ksrc/stage.sh $(KSRC) $(KMOD_STAGE) $(KMOD_GEN)
ifneq ($(filter-out clean deps,$(or $(MAKECMDGOALS),all)),)
include $(KMOD_GEN)/ksrc.mk
endif

# Kernel code (the drivers, and the shim written in kernel style) is built
# freestanding: kernel headers only, never glibc's.
KMOD_GCC_INC := $(shell $(CC) -print-file-name=include)
KMOD_KCFLAGS := -std=gnu11 -nostdinc -ffreestanding -isystem $(KMOD_GCC_INC) \
	-D__KERNEL__ -include kmod/shim/include/linux/kconfig.h \
	-Ikmod/shim/include -I$(KMOD_STAGE)/arch/x86/include \
	-I$(KMOD_STAGE)/include -I$(KMOD_STAGE)/include/uapi \
	-I$(KMOD_STAGE)/include/generated/uapi -Ikmod \
	-fno-strict-aliasing -fno-strict-overflow -fno-delete-null-pointer-checks \
	-fno-common -fno-builtin-printf -fPIC $(SAN_FLAGS) $(CFLAGS)
# The drivers are compiled as Kbuild compiles them: -Wall, and they must
# stay warning-free.  The shim gets the project's warnings.
KMOD_DRV_WARN  := -Wall -Werror -Wno-sign-compare -Wno-pointer-sign
KMOD_SHIM_WARN := $(WARN)

# Linux's own files, compiled as they are: the drivers, and what they need
# of drivers/xen and lib/ (kmod/ksrc/files.txt stages them).  Each is
# compiled with the KBUILD_MODNAME Kbuild gives it: its module's name, or
# its own for built-in code ("-" becomes "_", as Kbuild's name-fix does:
# grant-table.c is "grant_table", so its parameter is grant_table.version).
# Objects keep the tree's paths: drivers/xen/ and arch/x86/xen/ both have a
# grant-table.c.
KMOD_LINUX_SRCS := drivers/xen/gntdev.c drivers/xen/gntalloc.c drivers/xen/evtchn.c \
	drivers/xen/privcmd.c drivers/xen/privcmd-buf.c drivers/xen/xlate_mmu.c \
	drivers/xen/features.c drivers/xen/grant-table.c arch/x86/xen/grant-table.c \
	drivers/xen/events/events_base.c drivers/xen/events/events_2l.c \
	drivers/xen/events/events_fifo.c \
	lib/rbtree.c lib/kstrtox.c lib/ctype.c lib/sort.c
KMOD_DRV_OBJS := $(KMOD_LINUX_SRCS:%.c=$(OBJ)/kmod/linux/%.o)
kmod_modname = $(or $(KMOD_MODNAME_$(1)),$(subst -,_,$(1)))
KMOD_MODNAME_gntdev      := xen_gntdev
KMOD_MODNAME_gntalloc    := xen_gntalloc
KMOD_MODNAME_evtchn      := xen_evtchn
KMOD_MODNAME_privcmd     := xen_privcmd
KMOD_MODNAME_privcmd-buf := xen_privcmd
# drivers/xen/events/ is one built-in object, events.o.
KMOD_MODNAME_events_base := events
KMOD_MODNAME_events_2l   := events
KMOD_MODNAME_events_fifo := events

# (Static patterns: an implicit one would also "make" the .d files.)
$(KMOD_DRV_OBJS): $(OBJ)/kmod/linux/%.o: $(KMOD_STAGE)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KMOD_KCFLAGS) $(KMOD_DRV_WARN) \
		-DKBUILD_MODNAME='"$(call kmod_modname,$(notdir $*))"' \
		-MMD -MP -c $< -o $@

KMOD_SHIM_SRCS := $(wildcard kmod/shim/*.c)
KMOD_SHIM_OBJS := $(KMOD_SHIM_SRCS:%.c=$(OBJ)/%.o)
$(OBJ)/kmod/shim/%.o: kmod/shim/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KMOD_KCFLAGS) $(KMOD_SHIM_WARN) -DKBUILD_MODNAME='"kernel"' \
		-MMD -MP -c $< -o $@

# The host side: glibc, the hypercall transport, the device socket, and
# Debian's libxenstore for the kernel's own xenstore reads.
KMOD_XENSTORE_LIBS := $(shell $(PKG_CONFIG) --libs xenstore 2>/dev/null || echo -lxenstore)
KMOD_HOST_SRCS := $(wildcard kmod/host/*.c)
KMOD_HOST_OBJS := $(KMOD_HOST_SRCS:%.c=$(OBJ)/%.o)
# (-I$(KMOD_GEN): ksrc_info.h, which tree the kernel is built from)
$(KMOD_HOST_OBJS): ALL_CFLAGS += -Ikmod -Ihv-sim/guest -I$(KMOD_GEN)

$(BIN)/hvsim-kernel: $(KMOD_HOST_OBJS) $(KMOD_SHIM_OBJS) $(KMOD_DRV_OBJS) $(LIB)/libhvsim-guest.a
	@mkdir -p $(dir $@)
	@# Kernel code must not have reached a glibc header (see docs/kmod.md).
	@! grep -l '/usr/include/' $(KMOD_SHIM_OBJS:.o=.d) $(KMOD_DRV_OBJS:.o=.d) || \
		{ echo "kmod: glibc headers reached kernel code" >&2; exit 1; }
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(KMOD_XENSTORE_LIBS) -lpthread

ALL += $(BIN)/hvsim-kernel
INSTALL_LIBEXEC += $(BIN)/hvsim-kernel

# Integration tests: programs in two domains on the device socket.
# (-I$(KMOD_GEN): ksrc_info.h, so a test expects what the tree's Linux does)
$(OBJ)/kmod/tests/%.o: ALL_CFLAGS += $(CHECK_CFLAGS) -Iuserlib -Itests -I$(KMOD_GEN)
$(O)/tests/kmod-devices-test: $(OBJ)/kmod/tests/devices_test.o $(OBJ)/kmod/tests/procstat.o \
		$(OBJ)/tests/harness.o \
		$(LIB)/libhvsim-devclient.a $(LIB)/libhvsim.a \
		| $(BIN)/hvsimd $(BIN)/hvsim-kernel
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/kmod-devices-test
$(O)/tests/kmod-gntdev-pages-test: $(OBJ)/kmod/tests/gntdev_pages_test.o $(OBJ)/tests/harness.o \
		$(LIB)/libhvsim-devclient.a $(LIB)/libhvsim.a \
		| $(BIN)/hvsimd $(BIN)/hvsim-kernel
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/kmod-gntdev-pages-test
# fault injection (hvsim fault): the drivers' and libxenvchan's error paths
$(O)/tests/kmod-fault-test: $(OBJ)/kmod/tests/fault_test.o $(OBJ)/tests/harness.o \
		$(LIB)/libhvsim-devclient.a $(LIB)/libhvsim.a \
		| $(BIN)/hvsimd $(BIN)/hvsim-kernel $(BIN)/hvsim $(BIN)/vchan-server \
		  $(LIB)/libhvsim-preload.so
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/kmod-fault-test
# the bounce pages' vectored write-back (kmod/host/user_runs.c) on a child's memory
$(OBJ)/kmod/tests/user_runs_test.o: ALL_CFLAGS += -Ikmod
$(O)/tests/kmod-user-runs-test: $(OBJ)/kmod/tests/user_runs_test.o $(OBJ)/kmod/host/user_runs.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS)
TESTS += $(O)/tests/kmod-user-runs-test
# an idle system uses no CPU (hvsimd and the kernels, /proc/PID/stat)
$(O)/tests/idle-cpu-test: $(OBJ)/kmod/tests/idle_test.o $(OBJ)/kmod/tests/procstat.o \
		$(OBJ)/tests/harness.o $(LIB)/libhvsim-devclient.a $(LIB)/libhvsim.a \
		| $(BIN)/hvsimd $(BIN)/hvsim-kernel
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread
TESTS += $(O)/tests/idle-cpu-test

# make bench: an idle kernel's memory and domain-create-to-ready time.
$(O)/bench/bench-kernel: $(OBJ)/kmod/tests/bench_kernel.o $(OBJ)/kmod/tests/procstat.o $(LIB)/libhvsim.a \
		| $(BIN)/hvsimd $(BIN)/hvsim-kernel
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
BENCHES += $(O)/bench/bench-kernel
# make bench: N domains created and destroyed (BENCH_DOMAINS=N), an idle system's CPU
$(O)/bench/bench-scale: $(OBJ)/kmod/tests/bench_scale.o $(OBJ)/kmod/tests/procstat.o \
		$(LIB)/libhvsim.a | $(BIN)/hvsimd $(BIN)/hvsim-kernel
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
BENCHES += $(O)/bench/bench-scale
