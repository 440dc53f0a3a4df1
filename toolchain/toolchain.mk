# Guest toolchain: third-party sources fetched from Debian, checked against
# pinned sha256 sums and built into build/toolchain/.  Included by the
# top-level Makefile; every path here is relative to the repository root,
# where make runs.
#
#   make toolchain            fetch + build newlib, fetch + unpack lwIP and
#                             e2fsprogs (fs/fs.mk builds libext2fs from it)
#   make toolchain-clean      remove what was built and unpacked; keep the
#                             downloads (build/toolchain/dl, apt lists), so a
#                             rebuild works offline
#   make toolchain-distclean  remove all of build/toolchain
#
# Guest objects should depend on $(NEWLIB_STAMP) (and lwIP code on
# $(LWIP_STAMP)), e.g. as order-only prerequisites.  Each stamp is remade
# only when versions.mk or the scripts that make it change, or when what it
# stands for has gone missing.  The scripts also record a sum of their inputs
# next to their output and skip the work when it matches (a touched file, or
# a second make that waited for the first: they lock each other out).

TOOLCHAIN_SRC := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
TOOLCHAIN_OUT := build/toolchain

include $(TOOLCHAIN_SRC)/versions.mk

# --- interface ------------------------------------------------------------

NEWLIB_PREFIX := $(TOOLCHAIN_OUT)/newlib/x86_64-elf
NEWLIB_INC := $(NEWLIB_PREFIX)/include
NEWLIB_LIBC := $(NEWLIB_PREFIX)/lib/libc.a
NEWLIB_LIBM := $(NEWLIB_PREFIX)/lib/libm.a
LWIP_DIR := $(TOOLCHAIN_OUT)/lwip-$(LWIP_VERSION)

NEWLIB_SRC_STAMP := $(TOOLCHAIN_OUT)/newlib-src.stamp
NEWLIB_STAMP := $(TOOLCHAIN_OUT)/newlib.stamp
LWIP_STAMP := $(TOOLCHAIN_OUT)/lwip.stamp
# e2fsprogs: unpacked only; fs/fs.mk builds the part of libext2fs the guest uses.
E2FSPROGS_DIR := $(TOOLCHAIN_OUT)/e2fsprogs-$(E2FSPROGS_VERSION)
E2FSPROGS_STAMP := $(TOOLCHAIN_OUT)/e2fsprogs.stamp
TOOLCHAIN_STAMPS := $(NEWLIB_STAMP) $(LWIP_STAMP) $(E2FSPROGS_STAMP)

# Code generation for everything that runs in the guest.  newlib itself is
# built by $(TOOLCHAIN_SRC)/guest-gcc with the same flags (keep in step) plus
# -ffreestanding -fno-omit-frame-pointer.
GUEST_ARCH_CFLAGS := -mno-red-zone -fno-pic -fno-pie -fno-stack-protector
# newlib's headers for a bare x86_64-elf leave these POSIX options undefined,
# which hides clock_gettime, nanosleep, clock_nanosleep and CLOCK_MONOTONIC;
# libc-port implements them, so every guest compile (ours and apps') says so.
GUEST_POSIX_CFLAGS := -D_POSIX_TIMERS=200809L -D_POSIX_MONOTONIC_CLOCK=200809L \
	-D_POSIX_CLOCK_SELECTION=200809L
GUEST_CFLAGS := $(GUEST_ARCH_CFLAGS) -nostdinc -isystem $(NEWLIB_INC) \
	-isystem $(shell gcc -print-file-name=include) $(GUEST_POSIX_CFLAGS) -O2 -g
GUEST_LIBGCC := $(shell gcc -print-libgcc-file-name)

# --- rules ----------------------------------------------------------------

TOOLCHAIN_COMMON := $(TOOLCHAIN_SRC)/versions.mk $(TOOLCHAIN_SRC)/common.sh

$(NEWLIB_SRC_STAMP): $(TOOLCHAIN_COMMON) $(TOOLCHAIN_SRC)/fetch-newlib.sh
	@$(TOOLCHAIN_SRC)/fetch-newlib.sh
	@touch $@

$(NEWLIB_STAMP): $(NEWLIB_SRC_STAMP) $(TOOLCHAIN_COMMON) \
		$(TOOLCHAIN_SRC)/build-newlib.sh $(TOOLCHAIN_SRC)/guest-gcc
	@$(TOOLCHAIN_SRC)/build-newlib.sh
	@touch $@

$(LWIP_STAMP): $(TOOLCHAIN_COMMON) $(TOOLCHAIN_SRC)/fetch-lwip.sh \
		$(wildcard $(TOOLCHAIN_SRC)/patches/lwip-*.patch)
	@$(TOOLCHAIN_SRC)/fetch-lwip.sh
	@touch $@

$(E2FSPROGS_STAMP): $(TOOLCHAIN_COMMON) $(TOOLCHAIN_SRC)/fetch-e2fsprogs.sh \
		$(wildcard $(TOOLCHAIN_SRC)/patches/e2fsprogs-*.patch)
	@$(TOOLCHAIN_SRC)/fetch-e2fsprogs.sh
	@touch $@

# The libraries and headers come with the stamp.
$(NEWLIB_LIBC) $(NEWLIB_LIBM): $(NEWLIB_STAMP)

# A stamp whose outputs are gone is out of date, whatever its time says.
ifneq ($(words $(wildcard $(NEWLIB_LIBC) $(NEWLIB_LIBM) $(NEWLIB_INC)/stdio.h)),3)
.PHONY: $(NEWLIB_STAMP)
endif
ifeq ($(wildcard $(LWIP_DIR)/src/core/tcp.c),)
.PHONY: $(LWIP_STAMP)
endif
ifeq ($(wildcard $(E2FSPROGS_DIR)/lib/ext2fs/openfs.c),)
.PHONY: $(E2FSPROGS_STAMP)
endif

.PHONY: toolchain toolchain-clean toolchain-distclean
toolchain: $(NEWLIB_STAMP) $(LWIP_STAMP) $(E2FSPROGS_STAMP)

toolchain-clean:
	rm -rf $(TOOLCHAIN_OUT)/newlib $(TOOLCHAIN_OUT)/newlib-build \
		$(TOOLCHAIN_OUT)/src $(TOOLCHAIN_OUT)/lwip-$(LWIP_VERSION) \
		$(TOOLCHAIN_OUT)/logs $(TOOLCHAIN_OUT)/.lwip-unpack $(TOOLCHAIN_OUT)/*.stamp \
		$(E2FSPROGS_DIR) $(TOOLCHAIN_OUT)/.e2fsprogs-unpack

toolchain-distclean:
	rm -rf $(TOOLCHAIN_OUT)
