# boot/efi/efi.mk: the UEFI loader (gnu-efi), virtio images, and `make qemu` / `make debug`.
#
# Included by the top-level Makefile after guest/guest.mk, run from the repository root.
# Uses from guest.mk: GUEST_LIB_OBJS, GUEST_LIB, GUEST_BUILD, GUEST_APPS, guest_app_objs,
# guest_link, GUEST_LINK_DEPS, GUEST_CC, GUEST_CFLAGS, GUEST_OWN_CFLAGS, GUEST_AR.
#
# Targets:
#   build/efi/BOOTX64.EFI           the loader: reads \unikvm\kernel.elf and \unikvm\cmdline
#                                   from its ESP, enters the kernel at CPL 3 like unikvm
#   build/guest/virtio/libunikvm.a  the same core and libc-port objects as build/guest/libunikvm.a,
#                                   with guest/platform/virtio instead of guest/platform/hvt
#   build/<app>-virtio.elf          an app linked with the virtio platform
#   build/tests/<t>-virtio.elf      a guest test program, likewise
#   qemu, debug, gdb                phony: boot APP under QEMU/OVMF; the same halted for gdb;
#                                   attach gdb to it (from a second terminal)

# ---- the loader ------------------------------------------------------------------------------
EFI_BUILD := build/efi
EFI_LOADER := $(EFI_BUILD)/BOOTX64.EFI
EFI_INC := /usr/include/efi
EFI_LIBDIR := /usr/lib
# gnu-efi's ABI: position-independent, no red zone (firmware interrupts share the stack), UCS-2
# wide strings, EFIAPI as ms_abi so that calls need no wrapper. Its headers are -isystem: our
# warnings are for our code.
EFI_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -ffreestanding -fpic -fshort-wchar -mno-red-zone \
	-fno-stack-protector -fno-stack-check -maccumulate-outgoing-args -DGNU_EFI_USE_MS_ABI \
	-isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 -Iinclude -Iguest/include -MMD -MP
EFI_SRCS := $(wildcard boot/efi/*.c)
EFI_OBJS := $(EFI_SRCS:boot/efi/%.c=$(EFI_BUILD)/%.o) $(EFI_BUILD)/efi_enter.o $(EFI_BUILD)/fmt.o

$(EFI_INC)/efi.h:
	@echo "boot/efi: gnu-efi is missing: apt-get install gnu-efi" >&2; exit 1

$(EFI_BUILD)/%.o: boot/efi/%.c $(EFI_INC)/efi.h
	@mkdir -p $(@D)
	$(GUEST_CC) $(EFI_CFLAGS) -c -o $@ $<

$(EFI_BUILD)/efi_enter.o: boot/efi/efi_enter.S
	@mkdir -p $(@D)
	$(GUEST_CC) $(EFI_CFLAGS) -c -o $@ $<

# The kernel's own little printf, for the loader's messages.
$(EFI_BUILD)/fmt.o: guest/fmt.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(EFI_CFLAGS) -c -o $@ $<

# gnu-efi links a PIC shared object and converts it to a PE32+ application; its crt0 applies the
# relocations at start.
$(EFI_BUILD)/loader.so: $(EFI_OBJS)
	ld -shared -Bsymbolic -nostdlib -znocombreloc -T $(EFI_LIBDIR)/elf_x86_64_efi.lds \
		$(EFI_LIBDIR)/crt0-efi-x86_64.o $^ -o $@ -L$(EFI_LIBDIR) -lefi -lgnuefi

$(EFI_LOADER): $(EFI_BUILD)/loader.so
	objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym -j .rel -j .rela \
		-j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@

# ---- the virtio platform and images --------------------------------------------------------
VIRTIO_BUILD := $(GUEST_BUILD)/virtio
VIRTIO_LIB := $(VIRTIO_BUILD)/libunikvm.a
# guest.mk's rule for guest/%.c builds these into build/guest/guest/platform/virtio/.
VIRTIO_PLATFORM_OBJS := $(patsubst %.c,$(GUEST_BUILD)/%.o,$(wildcard guest/platform/virtio/*.c))
# The core and libc-port objects are the hvt image's own; only the platform layer differs.
VIRTIO_CORE_OBJS := $(filter-out $(GUEST_BUILD)/guest/platform/hvt/%,$(GUEST_LIB_OBJS))

$(VIRTIO_LIB): $(VIRTIO_CORE_OBJS) $(VIRTIO_PLATFORM_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(GUEST_AR) rcs $@ $^

# guest.mk's link line with the virtio archive in place of the hvt one.
VIRTIO_LINK_DEPS = $(subst $(GUEST_LIB),$(VIRTIO_LIB),$(GUEST_LINK_DEPS))
virtio_link = $(subst $(GUEST_LIB),$(VIRTIO_LIB),$(call guest_link,$(1)))

define virtio_app_rule
build/$(1)-virtio.elf: $(call guest_app_objs,$(1)) $$(VIRTIO_LINK_DEPS)
	@mkdir -p $$(@D)
	$$(call virtio_link,$(call guest_app_objs,$(1)))
endef
$(foreach app,$(GUEST_APPS),$(eval $(call virtio_app_rule,$(app))))

build/tests/%-virtio.elf: build/tests/guest/%.o $(VIRTIO_LINK_DEPS)
	@mkdir -p $(@D)
	$(call virtio_link,$<)

# ---- running under QEMU ----------------------------------------------------------------------
# make qemu APP=x [ARGS="..."] [DISK=file] [NET=auto|none|user[,hostfwd=...]] [QEMU_ACCEL=kvm|tcg]
# auto: a NIC when the image's manifest asks for one; servers get their port forwarded, as with
# `make run`.
QEMU_NET_httpd := user,hostfwd=tcp:127.0.0.1:8080-:8080
QEMU_NET_iperf3d := user,hostfwd=tcp:127.0.0.1:5201-:5201
NET ?= $(or $(QEMU_NET_$(APP)),auto)
DISK ?=
GDB_PORT ?= 1234
QEMU_RUN = boot/efi/qemu-run.sh --net '$(NET)' $(if $(DISK),--disk $(DISK))

.PHONY: qemu debug gdb clean-efi
qemu: $(EFI_LOADER) build/$(APP)-virtio.elf
	$(QEMU_RUN) build/$(APP)-virtio.elf $(ARGS)

debug: $(EFI_LOADER) build/$(APP)-virtio.elf
	$(QEMU_RUN) --debug $(GDB_PORT) build/$(APP)-virtio.elf $(ARGS)

gdb: build/$(APP)-virtio.elf
	gdb -q -ex 'set $$gdb_port = $(GDB_PORT)' -x boot/efi/unikvm.gdb build/$(APP)-virtio.elf

clean: clean-efi
clean-efi:
	rm -rf $(EFI_BUILD) build/qemu

-include $(EFI_OBJS:.o=.d) $(VIRTIO_PLATFORM_OBJS:.o=.d)

# ---- unit tests of the loader's pure parts (natively, with the sanitizers) ------------------
$(BUILD)/unit/test_efi_args: tests/unit/test_efi_args.c boot/efi/efi_args.c boot/efi/efi_args.h
	@mkdir -p $(@D)
	$(HOST_CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) $(SAN_FLAGS) -Iboot/efi -o $@ \
		$(filter %.c,$^) -lcmocka

$(BUILD)/unit/test_elf_check: tests/unit/test_elf_check.c boot/efi/elf_check.c boot/efi/elf_check.h \
		guest/fmt.c
	@mkdir -p $(@D)
	$(HOST_CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) $(SAN_FLAGS) -Iboot/efi -Iguest/include -o $@ \
		$(filter %.c,$^) -lcmocka

# What tests/integration/qemu.sh boots; the apps only where they exist.
QEMU_TEST_DEPS := $(EFI_LOADER) build/hello-virtio.elf build/tests/guesttest-virtio.elf \
	$(BUILD)/native/hello \
	$(foreach app,forksum sha256sum httpd,$(if $(wildcard apps/$(app)/*.c),build/$(app)-virtio.elf))
