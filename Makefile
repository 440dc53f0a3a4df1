# unikvm: top-level build. `make APP=hello` builds the hypervisor and the app's image.
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
# Keep intermediate objects so a second `make test` rebuilds nothing.
.SECONDARY:
.SUFFIXES:

APP ?= hello
# hvt: the unikernel image for unikvm; native: the same app built for Linux.
PLATFORM ?= hvt
ARGS ?=
# Servers get a host forward by default, so `make run APP=httpd` answers on 127.0.0.1:8080.
RUN_FLAGS_httpd := --net user,hostfwd=tcp:8080-:8080
RUN_FLAGS_iperf3d := --net user,hostfwd=tcp:5201-:5201
UNIKVM_FLAGS ?= $(RUN_FLAGS_$(APP))

BUILD := build
HOST_CC ?= gcc
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g -Iinclude -MMD -MP
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# guest/api declares the unikvm calls weak: a native build compiles them away.
NATIVE_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g -Iguest/api

include toolchain/toolchain.mk
include guest/guest.mk
include host/slirp/slirp.mk
# The UEFI loader, virtio images, `make qemu` and `make debug`; after guest.mk, whose objects it reuses.
include boot/efi/efi.mk
include tests/fuzz/fuzz.mk

# ---- host: the unikvm hypervisor ------------------------------------------
HOST_SRCS := $(wildcard host/*.c)
HOST_OBJS := $(HOST_SRCS:%.c=$(BUILD)/%.o)

$(BUILD)/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/unikvm: $(HOST_OBJS)
	$(HOST_CC) -static -pthread -o $@ $^

# The same host plus a test-only hypercall that makes a forbidden system call (seccomp test).
$(BUILD)/test-hooks/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -DUNIKVM_TEST_HOOKS -c $< -o $@

TEST_HOOKS_OBJS := $(HOST_SRCS:%.c=$(BUILD)/test-hooks/%.o)
$(BUILD)/test-hooks/unikvm: $(TEST_HOOKS_OBJS)
	$(HOST_CC) -static -pthread -o $@ $^
include tests/integration/asan.mk

# ---- apps -------------------------------------------------------------------
# apps/lib holds what the apps share (headers), not an app.
APPS := $(filter-out lib,$(notdir $(wildcard apps/*)))

# The native build is the baseline every benchmark compares against.
.SECONDEXPANSION:
$(BUILD)/native/%: $$(wildcard apps/%/*.c apps/%/*.h) $(wildcard apps/lib/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(NATIVE_CFLAGS) -static -o $@ $(filter %.c,$^) -lm

ifeq ($(PLATFORM),native)
APP_TARGET := $(BUILD)/native/$(APP)
APP_RUN := $(APP_TARGET) $(ARGS)
else
APP_TARGET := $(BUILD)/$(APP).elf
APP_RUN := $(BUILD)/unikvm $(UNIKVM_FLAGS) $(APP_TARGET) -- $(ARGS)
endif

.PHONY: all app run
all: $(BUILD)/unikvm $(BUILD)/unikvm-slirp app $(LWIP_STAMP)
app: $(APP_TARGET)
run: all
	$(APP_RUN)

# ---- tests --------------------------------------------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
UNIT_HOST_OBJS := $(patsubst host/%.c,$(BUILD)/unit/host/%.o,$(filter-out host/main.c,$(HOST_SRCS)))

$(BUILD)/unit/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Ihost -c $< -o $@

$(BUILD)/unit/test_%: $(BUILD)/unit/test_%.o $(UNIT_HOST_OBJS)
	$(HOST_CC) $(SAN_FLAGS) -o $@ $^ -lcmocka

# Guest code that also runs natively. The scheduler switches stacks, which
# AddressSanitizer cannot follow, so it gets UBSan only.
UNIT_SCHED_SRCS := tests/unit/test_sched.c guest/sched.c guest/stack.c guest/lock.c \
	guest/sleep.c guest/context.S
$(BUILD)/unit/test_sched: $(UNIT_SCHED_SRCS) $(wildcard guest/*.h guest/include/guest/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -Iguest/include -fsanitize=undefined \
		-fno-sanitize-recover=all -o $@ $(UNIT_SCHED_SRCS) -lcmocka
$(BUILD)/unit/test_ring: tests/unit/test_ring.c libc-port/ring.c libc-port/ring.h
	@mkdir -p $(@D)
	$(HOST_CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) $(SAN_FLAGS) -Ilibc-port -o $@ \
		$(filter %.c,$^) -lcmocka

.PHONY: test unit-test integration-test check-kvm
unit-test: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

check-kvm:
	@test -c /dev/kvm && test -r /dev/kvm && test -w /dev/kvm || \
	  { echo "FATAL: /dev/kvm is missing or not accessible: the integration tests need KVM" >&2; exit 1; }

integration-test: check-kvm $(BUILD)/unikvm $(BUILD)/unikvm-slirp $(BUILD)/hello.elf \
		$(BUILD)/tests/guesttest.elf \
		$(BUILD)/forksum.elf $(BUILD)/linpack.elf $(BUILD)/memsweep.elf \
		$(BUILD)/native/forksum $(BUILD)/native/linpack $(BUILD)/native/memsweep \
		$(BUILD)/tests/threadtest.elf $(BUILD)/tests/nettest.elf $(BUILD)/tests/fstest.elf \
		$(BUILD)/sha256sum.elf $(BUILD)/diskbench.elf \
		$(BUILD)/native/sha256sum $(BUILD)/native/diskbench \
		$(BUILD)/native/httpd $(BUILD)/native/iperf3d $(BUILD)/native/sockperfd \
		$(BUILD)/httpd.elf $(BUILD)/iperf3d.elf $(BUILD)/sockperfd.elf \
		$(BUILD)/test-hooks/unikvm $(BUILD)/tests/limitstest.elf \
		$(QEMU_TEST_DEPS) $(BUILD)/bench/spawn_time
	tests/integration/run.sh
	tests/integration/limits.sh
	tests/integration/snapshot.sh
	python3 tests/integration/slirp_helper_test.py
	tests/integration/threads.sh
	tests/integration/apps.sh
	tests/integration/net.sh
	tests/integration/fs.sh
	tests/integration/disk_apps.sh
	tests/integration/net_apps_native.sh
	tests/integration/net_apps_guest.sh
	tests/integration/hostile.sh
	tests/integration/qemu.sh
	bench/selfcheck.sh

test: format-check unit-test fuzz-smoke integration-test

# ---- benchmarks -----------------------------------------------------------------
$(BUILD)/bench/spawn_time: bench/boot/spawn_time.c
	@mkdir -p $(@D)
	$(HOST_CC) $(NATIVE_CFLAGS) -o $@ $<

BENCH_DEPS := $(BUILD)/unikvm $(BUILD)/hello.elf $(BUILD)/native/hello $(BUILD)/bench/spawn_time \
	$(BUILD)/forksum.elf $(BUILD)/linpack.elf $(BUILD)/memsweep.elf \
	$(BUILD)/native/forksum $(BUILD)/native/linpack $(BUILD)/native/memsweep \
	$(BUILD)/sha256sum.elf $(BUILD)/diskbench.elf $(BUILD)/native/sha256sum $(BUILD)/native/diskbench \
	$(BUILD)/httpd.elf $(BUILD)/iperf3d.elf $(BUILD)/sockperfd.elf \
	$(BUILD)/native/httpd $(BUILD)/native/iperf3d $(BUILD)/native/sockperfd \
	$(BUILD)/tests/snaptest.elf \
	$(EFI_LOADER) $(foreach app,hello linpack memsweep forksum sha256sum diskbench httpd iperf3d sockperfd,\
		$(BUILD)/$(app)-virtio.elf)

.PHONY: bench bench-quick
bench: $(BENCH_DEPS)
	bench/boot/run.sh
	bench/cpu/run.sh
	bench/disk/run.sh
	bench/net/run.sh
	bench/snapshot/run.sh
	bench/plot.sh
# One short repetition of each: minutes, not tens of minutes.
bench-quick: $(BENCH_DEPS)
	RUNS=5 bench/boot/run.sh
	QUICK=1 bench/cpu/run.sh
	QUICK=1 bench/disk/run.sh
	QUICK=1 bench/net/run.sh
	QUICK=1 bench/snapshot/run.sh
	bench/plot.sh

# ---- formatting and cleaning ------------------------------------------------
FORMAT_SRCS := $(shell git ls-files '*.c' '*.h' 2>/dev/null)
.PHONY: format format-check clean distclean
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRCS)

clean:
	rm -rf $(BUILD)/host $(BUILD)/unit $(BUILD)/guest $(BUILD)/apps $(BUILD)/tests \
	  $(BUILD)/native $(BUILD)/unikvm $(BUILD)/*.elf $(BUILD)/slirp $(BUILD)/unikvm-slirp $(BUILD)/fs
# distclean also drops the cached third-party toolchain.
distclean:
	rm -rf $(BUILD)

-include $(HOST_OBJS:.o=.d) $(TEST_HOOKS_OBJS:.o=.d) $(UNIT_HOST_OBJS:.o=.d) $(UNIT_TESTS:=.d)
