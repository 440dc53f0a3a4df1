# slirp.mk: build/unikvm-slirp, the user-mode network helper unikvm spawns (host/slirp/).
# It links libslirp dynamically, so it is its own program: unikvm itself stays static.
# Included from the top-level Makefile after BUILD, HOST_CC and SAN_FLAGS are set.

# libslirp.h needs no glib headers, so without glib's .pc file (libglib2.0-dev) the plain
# flags still build it.
SLIRP_CFLAGS := $(shell pkg-config --cflags slirp 2>/dev/null || echo -I/usr/include/slirp)
SLIRP_LIBS := $(shell pkg-config --libs slirp 2>/dev/null || echo -lslirp)
SLIRP_HELPER_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g -MMD -MP $(SLIRP_CFLAGS)

SLIRP_HELPER_SRCS := $(wildcard host/slirp/*.c)
SLIRP_HELPER_OBJS := $(SLIRP_HELPER_SRCS:host/slirp/%.c=$(BUILD)/slirp/%.o)

# Objects live in build/slirp/, not build/host/slirp/, so the host/%.c pattern rule with
# unikvm's flags never claims them.
$(BUILD)/slirp/%.o: host/slirp/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(SLIRP_HELPER_CFLAGS) -c $< -o $@

$(BUILD)/unikvm-slirp: $(SLIRP_HELPER_OBJS)
	$(HOST_CC) -o $@ $^ $(SLIRP_LIBS)

# The parsers are pure (no libslirp), so the cmocka test links just them, with sanitizers.
SLIRP_UNIT_OBJS := $(BUILD)/unit/slirp/args.o $(BUILD)/unit/slirp/hostfwd.o
$(BUILD)/unit/slirp/%.o: host/slirp/%.c
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g -MMD -MP $(SAN_FLAGS) -c $< -o $@
$(BUILD)/unit/test_slirp_hostfwd: $(SLIRP_UNIT_OBJS)

.PHONY: slirp-helper-test
slirp-helper-test: $(BUILD)/unikvm-slirp
	python3 tests/integration/slirp_helper_test.py

-include $(SLIRP_HELPER_OBJS:.o=.d) $(SLIRP_UNIT_OBJS:.o=.d)
