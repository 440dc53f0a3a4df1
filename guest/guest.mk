# guest/guest.mk: builds the unikernel (boot + guest core + libc-port) and links apps into images.
#
# Included by the top-level Makefile and run from the repository root. It
# expects from toolchain/toolchain.mk: GUEST_CFLAGS, NEWLIB_LIBC, NEWLIB_LIBM,
# GUEST_LIBGCC and NEWLIB_STAMP (exists once newlib is built).
#
# Targets:
#   build/guest/libunikvm.a     guest core + hvt platform + libc-port
#   build/guest/hvt_entry.o     _start; first on every image's link line
#   build/guest/hvt_note.o      the manifest note (nothing references it, so
#                               it is linked as an object, not from the archive)
#   build/<app>.elf             one per apps/<app>/, from all its *.c
#   build/tests/<t>.elf         tests/guest/<t>.c (guesttest, threadtest, nettest, fstest, limitstest)
#   build/guest/libnet.a        lwIP and its port (net/net.mk)
#   build/fs/libfs.a, libext2fs.a  the file system (fs/fs.mk)
#   guest, guest-images         phony: the library pieces / every image
# $(call guest_link,OBJS) is the recipe line that links $@ from app objects.

GUEST_CC ?= gcc
GUEST_AR ?= ar

GUEST_BUILD := build/guest

# Our own code: strict C11 (POSIX is asked for per file or per layer).
# libc-port/include holds headers that replace newlib's where newlib's do not
# fit this system (pthread.h: newlib's types are ids into an RTEMS table);
# -I is searched before newlib's -isystem directory.
GUEST_PORT_INCLUDE := -Ilibc-port/include
# guest/api: the few unikvm calls apps may make beyond POSIX (also seen by native builds).
GUEST_API_INCLUDE := -Iguest/api
GUEST_OWN_CFLAGS := -std=c11 -Wall -Wextra -Werror -Iinclude -Iguest/include $(GUEST_PORT_INCLUDE) \
	$(GUEST_API_INCLUDE) -Inet/include
# Apps are plain POSIX C built with the compiler's default dialect, exactly
# as their native baseline is, so they see the same feature macros.
GUEST_APP_CFLAGS := -Wall -Wextra -Werror $(GUEST_PORT_INCLUDE) $(GUEST_API_INCLUDE)
GUEST_DEP_CFLAGS = -MMD -MP

# The network stack (lwIP and its port): build/guest/libnet.a.
include net/net.mk
# The file system (libext2fs and our layer): build/fs/libfs.a, build/fs/libext2fs.a.
include fs/fs.mk
GUEST_OWN_CFLAGS += $(FS_INCLUDES)

GUEST_LIB_SRCS := $(wildcard guest/*.c guest/platform/hvt/*.c libc-port/*.c)
GUEST_LIB_ASMS := $(wildcard guest/*.S)
GUEST_LIB_OBJS := $(GUEST_LIB_SRCS:%.c=$(GUEST_BUILD)/%.o) $(GUEST_LIB_ASMS:%.S=$(GUEST_BUILD)/%.o)
GUEST_ENTRY_OBJ := $(GUEST_BUILD)/hvt_entry.o
GUEST_NOTE_OBJ := $(GUEST_BUILD)/hvt_note.o
GUEST_LIB := $(GUEST_BUILD)/libunikvm.a
GUEST_OBJS := $(GUEST_ENTRY_OBJ) $(GUEST_NOTE_OBJ) $(GUEST_LIB_OBJS)
GUEST_LDSCRIPT := boot/hvt.ld

# ar names members by file name only: two sleep.o would replace each other.
GUEST_LIB_STEMS := $(basename $(notdir $(GUEST_LIB_SRCS) $(GUEST_LIB_ASMS)))
ifneq ($(words $(GUEST_LIB_STEMS)),$(words $(sort $(GUEST_LIB_STEMS))))
$(error guest.mk: guest/ and libc-port/ need distinct file names (they share libunikvm.a))
endif

$(GUEST_BUILD)/guest/%.o: guest/%.c | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_OWN_CFLAGS) $(GUEST_DEP_CFLAGS) \
		-c -o $@ $<

$(GUEST_BUILD)/guest/%.o: guest/%.S | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_OWN_CFLAGS) $(GUEST_DEP_CFLAGS) -c -o $@ $<

# libc-port implements POSIX, so it sees all of newlib's POSIX and BSD names.
$(GUEST_BUILD)/libc-port/%.o: libc-port/%.c | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_OWN_CFLAGS) -D_DEFAULT_SOURCE \
		$(GUEST_DEP_CFLAGS) -c -o $@ $<

$(GUEST_ENTRY_OBJ): boot/hvt_entry.S | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_OWN_CFLAGS) $(GUEST_DEP_CFLAGS) -c -o $@ $<

$(GUEST_NOTE_OBJ): boot/hvt_note.c | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_OWN_CFLAGS) $(GUEST_DEP_CFLAGS) -c -o $@ $<

$(GUEST_LIB): $(GUEST_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(GUEST_AR) rcs $@ $^

# Static, not PIE, at the addresses boot/hvt.ld gives; 4 KiB file alignment
# keeps segments page-granular; --gc-sections drops unused newlib code.
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(GUEST_LDSCRIPT) -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,--gc-sections -Wl,-z,noexecstack \
	-Wl,--undefined=unikvm_snapshot,--undefined=unikvm_request_done \
	-Wl,--undefined=unikvm_resets_per_request
# (--undefined: apps reference the guest/api calls weakly, which alone would not pull them
# out of libunikvm.a; --gc-sections drops them again from apps that never call them.)
GUEST_LINK_DEPS = $(GUEST_ENTRY_OBJ) $(GUEST_NOTE_OBJ) $(GUEST_LIB) $(NET_LIB) $(FS_LIBS) \
	$(GUEST_LDSCRIPT) \
	$(NEWLIB_LIBC) $(NEWLIB_LIBM)
# The group lets libunikvm.a and libc.a resolve each other (write <-> memcpy).
guest_link = $(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $(GUEST_ENTRY_OBJ) $(GUEST_NOTE_OBJ) $(1) \
	-Wl,--start-group $(GUEST_LIB) $(NET_LIB) $(FS_LIBS) $(NEWLIB_LIBC) $(NEWLIB_LIBM) $(GUEST_LIBGCC) -Wl,--end-group

# Apps: build/apps/<app>/*.o from apps/<app>/*.c, linked into build/<app>.elf.
GUEST_APPS := $(filter-out lib,$(notdir $(patsubst %/,%,$(wildcard apps/*/))))
guest_app_objs = $(patsubst %.c,build/%.o,$(wildcard apps/$(1)/*.c))

build/apps/%.o: apps/%.c | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_APP_CFLAGS) $(GUEST_DEP_CFLAGS) \
		-c -o $@ $<

define guest_app_rule
build/$(1).elf: $(call guest_app_objs,$(1)) $$(GUEST_LINK_DEPS)
	@mkdir -p $$(@D)
	$$(call guest_link,$(call guest_app_objs,$(1)))
endef
$(foreach app,$(GUEST_APPS),$(eval $(call guest_app_rule,$(app))))

# The guest test programs: one image each, subcommands chosen by argv[1].
GUEST_TESTS := guesttest threadtest nettest fstest limitstest snaptest
GUESTTEST_OBJS := $(GUEST_TESTS:%=build/tests/guest/%.o)

# Strict C11 like our own code; each file asks for the POSIX names it uses.
build/tests/guest/%.o: tests/guest/%.c | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_OWN_CFLAGS) $(GUEST_DEP_CFLAGS) \
		-c -o $@ $<

build/tests/%.elf: build/tests/guest/%.o $(GUEST_LINK_DEPS)
	@mkdir -p $(@D)
	$(call guest_link,$<)

GUEST_IMAGES := $(GUEST_APPS:%=build/%.elf) $(GUEST_TESTS:%=build/tests/%.elf)

.PHONY: guest guest-images guest-check
guest: $(GUEST_LIB) $(NET_LIB) $(FS_LIBS) $(GUEST_ENTRY_OBJ) $(GUEST_NOTE_OBJ)
guest-images: $(GUEST_IMAGES)

# Static checks of every image: layout, manifest, no privileged instructions.
guest-check: $(GUEST_IMAGES)
	tests/guest/check-image.sh $^

-include $(GUEST_OBJS:.o=.d) $(GUESTTEST_OBJS:.o=.d) \
	$(foreach app,$(GUEST_APPS),$(patsubst %.o,%.d,$(call guest_app_objs,$(app))))
