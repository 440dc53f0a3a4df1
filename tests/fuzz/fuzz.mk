# tests/fuzz/fuzz.mk: libFuzzer harnesses built from the real host sources, with AddressSanitizer
# and UndefinedBehaviorSanitizer (see tests/fuzz/README.md). Included by the top-level Makefile.
#
#   make fuzz        each harness fuzzes for FUZZ_SECONDS (default 60)
#   make fuzz-smoke  replays every seed and tests/fuzz/corpus/ input, then fuzzes each harness
#                    for FUZZ_SMOKE_SECONDS (default 4); part of `make test`
#
# Needs clang and its libFuzzer runtime (Debian 12: clang-14 and libclang-rt-14-dev).

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 4
FUZZ_HARNESSES := elf_loader hypercall blk_io net_io cmdline

FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# The host code is held to -Werror by gcc; clang's extra opinions on it must not fail the tests
# (and the GNU extension the vCPU state structs use is deliberate).
FUZZ_HOST_CFLAGS := $(filter-out -Werror,$(HOST_CFLAGS)) -Wno-gnu-variable-sized-type-not-at-end \
	$(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_CFLAGS := $(HOST_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -Ihost -Itests/fuzz
FUZZ_HOST_OBJS := $(patsubst host/%.c,$(FUZZ_DIR)/host/%.o,$(filter-out host/main.c,$(wildcard host/*.c)))
FUZZ_BINS := $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/bin/fuzz_%)
FUZZ_SEEDS := $(FUZZ_DIR)/seeds/.stamp

# One clear line instead of a link error when clang or libFuzzer is missing.
$(FUZZ_DIR)/.clang-ok:
	@mkdir -p $(@D)
	@echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }' | \
	  $(FUZZ_CC) -x c -fsanitize=fuzzer,address,undefined -o $(FUZZ_DIR)/clang-check - \
	  2>/dev/null || { echo "FATAL: $(FUZZ_CC) with libFuzzer is missing: the fuzz tests need" \
	  "clang and libFuzzer (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }
	@touch $@

$(FUZZ_DIR)/host/%.o: host/%.c | $(FUZZ_DIR)/.clang-ok
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_HOST_CFLAGS) -c $< -o $@

# An archive: each harness links only the host objects it reaches.
$(FUZZ_DIR)/libhost.a: $(FUZZ_HOST_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/%.o: tests/fuzz/%.c | $(FUZZ_DIR)/.clang-ok
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

# fuzz_vm.c checks the host's disk transfers by wrapping pread/pwrite; fuzz_cmdline.c keeps one
# AIO context for every blk_open (see there).
FUZZ_LDFLAGS := -Wl,--wrap=pread,--wrap=pwrite
FUZZ_LDFLAGS_cmdline := -Wl,--wrap=syscall
$(FUZZ_DIR)/bin/fuzz_%: $(FUZZ_DIR)/fuzz_%.o $(FUZZ_DIR)/fuzz_vm.o $(FUZZ_DIR)/libhost.a
	@mkdir -p $(@D)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) $(FUZZ_LDFLAGS) $(FUZZ_LDFLAGS_$*) -o $@ $^

# Seeds are generated from abi.h, so they follow the ABI; regression inputs are checked in.
$(FUZZ_DIR)/make_seeds: tests/fuzz/make_seeds.c tests/fuzz/fuzz_input.h include/unikvm/abi.h
	@mkdir -p $(@D)
	$(HOST_CC) $(NATIVE_CFLAGS) -Iinclude -o $@ $<

$(FUZZ_SEEDS): $(FUZZ_DIR)/make_seeds
	rm -rf $(@D)
	$< $(@D)
	@touch $@

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-clean
fuzz-build: $(FUZZ_BINS) $(FUZZ_SEEDS)

fuzz: fuzz-build
	tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

fuzz-smoke: fuzz-build
	tests/fuzz/run.sh smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_HARNESSES)

fuzz-clean:
	rm -rf $(FUZZ_DIR)
clean: fuzz-clean

-include $(FUZZ_HOST_OBJS:.o=.d) $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/fuzz_%.d) $(FUZZ_DIR)/fuzz_vm.d
