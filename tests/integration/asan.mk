# asan.mk: build/asan/unikvm, the host built from the same sources with AddressSanitizer and
# UndefinedBehaviorSanitizer, and what tests/integration/hostile.sh needs.
#
# Included by the top-level Makefile after HOST_SRCS, HOST_CFLAGS and SAN_FLAGS. hostile.sh runs
# every attempt of the hostile guest under build/unikvm and again under build/asan/unikvm, whose
# stderr must then hold no sanitizer report.

ASAN_HOST_OBJS := $(HOST_SRCS:%.c=$(BUILD)/asan/%.o)

$(BUILD)/asan/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

# Linked dynamically: the sanitizer runtimes do not support -static.
$(BUILD)/asan/unikvm: $(ASAN_HOST_OBJS)
	$(HOST_CC) $(SAN_FLAGS) -pthread -o $@ $^ $(HOST_LDLIBS)

# build/tests/hostile.elf comes from guest.mk's pattern rule. It is not in GUEST_TESTS because it
# executes privileged instructions on purpose, which guest-check refuses in an image.
integration-test: $(BUILD)/asan/unikvm $(BUILD)/tests/hostile.elf

-include $(ASAN_HOST_OBJS:.o=.d) build/tests/guest/hostile.d
