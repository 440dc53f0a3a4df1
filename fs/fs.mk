# fs/fs.mk: the guest's file system: libext2fs (built from toolchain/'s e2fsprogs sources) and our
# layer over it (fs/*.c: the block-device io_manager and the ext2/3/4 file calls libc-port uses).
#
# Included by guest/guest.mk, run from the repository root. Needs from toolchain/toolchain.mk:
# GUEST_CFLAGS, E2FSPROGS_DIR, E2FSPROGS_STAMP, NEWLIB_STAMP; from guest.mk: GUEST_OWN_CFLAGS.
#
# Targets:
#   build/fs/libext2fs.a   third-party: lib/ext2fs (less the parts that need a host OS) + its
#                          generated error table, built with fs/config.h (the sources carry
#                          toolchain/patches/e2fsprogs-*.patch, fixes of libext2fs bugs)
#   build/fs/libfs.a       fs/*.c
#   build/unit/test_blkcache   the block cache's unit test (native, run by make unit-test)
#   image                  make image DIR=folder [IMAGE=build/disk.img] [SIZE=64M]
# FS_LIBS names both, for the image link group; FS_INCLUDES lets libc-port include <fs/extfs.h>.

FS_BUILD := build/fs
FS_GEN := $(FS_BUILD)/gen
FS_LIBEXT2FS := $(FS_BUILD)/libext2fs.a
FS_LIB := $(FS_BUILD)/libfs.a
FS_LIBS := $(FS_LIB) $(FS_LIBEXT2FS)
FS_INCLUDES := -Ifs/include
E2FS_SRC := $(E2FSPROGS_DIR)/lib/ext2fs

# lib/ext2fs's objects (its Makefile.in's OBJS) less those for a host OS: unix_io, undo_io,
# sparse_io, qcow2 and tdb (host files), getsize, getsectsize, ismounted, finddev, flushb and llseek
# (host devices and mounts). The archive only lends what the image uses.
E2FS_NAMES := alloc alloc_sb alloc_stats alloc_tables atexit badblocks bb_inode bitmaps bitops \
	blkmap64_ba blkmap64_rb blknum block bmap check_desc closefs crc16 crc32c csum dblist \
	dblist_dir dirblock dirhash dir_iterate expanddir ext_attr extent fallocate fileio freefs \
	gen_bitmap gen_bitmap64 get_num_dirs get_pathname hashmap i_block icount ind_block initialize \
	inline inline_data inode io_manager link lookup mkdir mkjournal mmp namei native newdir \
	nls_utf8 openfs orphan progress punch read_bb read_bb_file res_gdt rw_bitmaps sha512 swapfs \
	symlink unlink valid_blk version rbtree
E2FS_OBJS := $(E2FS_NAMES:%=$(FS_BUILD)/ext2fs/%.o) $(FS_BUILD)/ext2fs/ext2_err.o
E2FS_GEN_HDRS := $(FS_GEN)/ext2fs/ext2_types.h $(FS_GEN)/ext2fs/ext2_err.h $(FS_GEN)/crc32c_table.h

# Headers: fs/config.h stands for configure's; the generated ones come first. The library is
# not our code: no -Werror, and its own style of warnings (sign compares, unused parameters)
# stays off. Per-function sections let --gc-sections drop what an image does not call.
E2FS_INCLUDES := -I$(FS_GEN) -I$(FS_GEN)/ext2fs -I$(E2FSPROGS_DIR)/lib
E2FS_CFLAGS := $(GUEST_CFLAGS) -DHAVE_CONFIG_H -Ifs $(E2FS_INCLUDES) -I$(E2FS_SRC) \
	-Ilibc-port/include -ffunction-sections -fdata-sections -Wno-deprecated-declarations

# ext2_types.h for LP64 (configure's sizes), the error table through e2fsprogs' own awk
# scripts (what compile_et runs), and the CRC32c table from its generator built for the host.
# A new stamp (another version) remakes these, and every object with them.
$(FS_GEN)/ext2fs/ext2_types.h: $(E2FS_SRC)/ext2_types.h.in $(E2FSPROGS_STAMP)
	@mkdir -p $(@D)
	sed -e 's/@ASM_TYPES_HEADER@//' -e 's/@PUBLIC_CONFIG_HEADER@//' -e 's/@SIZEOF_SHORT@/2/g' \
		-e 's/@SIZEOF_INT@/4/g' -e 's/@SIZEOF_LONG@/8/g' -e 's/@SIZEOF_LONG_LONG@/8/g' $< >$@.tmp
	mv $@.tmp $@

$(FS_GEN)/ext2_err.et: $(E2FS_SRC)/ext2_err.et.in $(E2FSPROGS_STAMP)
	@mkdir -p $(@D)
	sed -e 's/@E2FSPROGS_VERSION@/$(E2FSPROGS_VERSION)/' $< >$@.tmp
	mv $@.tmp $@

$(FS_GEN)/ext2fs/ext2_err.h: $(FS_GEN)/ext2_err.et
	@mkdir -p $(@D)
	awk -f $(E2FSPROGS_DIR)/lib/et/et_h.awk outfile=$@.tmp outfn=ext2_err.h $<
	mv $@.tmp $@

$(FS_GEN)/ext2_err.c: $(FS_GEN)/ext2_err.et
	awk -f $(E2FSPROGS_DIR)/lib/et/et_c.awk outfile=$@.tmp outfn=ext2_err.c $<
	mv $@.tmp $@

$(FS_GEN)/gen_crc32ctable: | $(E2FSPROGS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) -O2 -I$(E2FS_SRC) -o $@ $(E2FS_SRC)/gen_crc32ctable.c

$(FS_GEN)/crc32c_table.h: $(FS_GEN)/gen_crc32ctable
	$< >$@.tmp
	mv $@.tmp $@

# The sources come with the stamp (the toolchain script unpacks them).
$(E2FS_NAMES:%=$(E2FS_SRC)/%.c) $(E2FS_SRC)/ext2_types.h.in $(E2FS_SRC)/ext2_err.et.in: \
	$(E2FSPROGS_STAMP)

$(FS_BUILD)/ext2fs/%.o: $(E2FS_SRC)/%.c fs/config.h $(E2FS_GEN_HDRS) | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(E2FS_CFLAGS) -c -o $@ $<

$(FS_BUILD)/ext2fs/ext2_err.o: $(FS_GEN)/ext2_err.c $(E2FS_GEN_HDRS) | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(E2FS_CFLAGS) -c -o $@ $<

$(FS_LIBEXT2FS): $(E2FS_OBJS)
	rm -f $@
	$(GUEST_AR) rcs $@ $^

# Our code: strict, like the rest of the guest; e2fsprogs' headers are system headers to it.
FS_SRCS := $(wildcard fs/*.c)
FS_OBJS := $(FS_SRCS:fs/%.c=$(FS_BUILD)/obj/%.o)
FS_CFLAGS := $(GUEST_CFLAGS) $(GUEST_OWN_CFLAGS) $(FS_INCLUDES) -D_DEFAULT_SOURCE \
	-isystem $(FS_GEN) -isystem $(E2FSPROGS_DIR)/lib

$(FS_BUILD)/obj/%.o: fs/%.c $(E2FS_GEN_HDRS) | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(FS_CFLAGS) -MMD -MP -c -o $@ $<

$(FS_LIB): $(FS_OBJS)
	rm -f $@
	$(GUEST_AR) rcs $@ $^

.PHONY: fs
fs: $(FS_LIBS)

# The block cache's unit test runs natively, over a fake disk (make unit-test finds it by name).
$(BUILD)/unit/test_blkcache: tests/unit/test_blkcache.c fs/blkcache.c fs/blkcache.h \
		guest/include/guest/blkdev.h
	@mkdir -p $(@D)
	$(HOST_CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) $(SAN_FLAGS) -Ifs -Iguest/include -o $@ \
		$(filter %.c,$^) -lcmocka

-include $(FS_OBJS:.o=.d)

# make image DIR=folder [IMAGE=build/disk.img] [SIZE=64M]: an ext4 disk holding the folder, made
# by Debian's mke2fs (package e2fsprogs). ext4 as mke2fs makes it by default (extents, 64bit,
# metadata_csum, journal): libext2fs writes all of it; the journal is left empty and clean.
# 4 KiB blocks even for small disks (mke2fs would pick 1 KiB below 512 MiB): a quarter of the
# block operations, and of the VM exits, for the same data.
IMAGE ?= build/disk.img
SIZE ?= 64M
MKE2FS ?= $(or $(shell command -v mke2fs 2>/dev/null),/sbin/mke2fs)

.PHONY: image
image:
	@test -n "$(DIR)" || { echo "make image: say which folder: make image DIR=path" >&2; exit 2; }
	@test -d "$(DIR)" || { echo "make image: $(DIR): not a folder" >&2; exit 2; }
	@test -x "$(MKE2FS)" || { echo "make image: mke2fs missing (apt-get install e2fsprogs)" >&2; \
		exit 2; }
	@mkdir -p $(dir $(IMAGE))
	rm -f "$(IMAGE)"
	$(MKE2FS) -q -t ext4 -b 4096 -d "$(DIR)" -F "$(IMAGE)" $(SIZE)
