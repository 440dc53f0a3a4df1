# net/net.mk: builds lwIP (from toolchain/'s $(LWIP_DIR)) and our port of it into build/guest/libnet.a.
#
# Included by guest/guest.mk, which links $(NET_LIB) into every image; an
# image pulls lwIP in only if it calls a socket function (archive members
# are linked on demand), so programs without sockets pay nothing.
# Expects GUEST_CFLAGS, GUEST_OWN_CFLAGS, GUEST_DEP_CFLAGS, LWIP_DIR,
# LWIP_STAMP and NEWLIB_STAMP.

NET_BUILD := build/guest/net
NET_LIB := build/guest/libnet.a
# lwipopts.h and arch/ are found in net/; <netstack/...> is net/'s interface to libc-port.
NET_INCLUDE := -Inet -Inet/include -I$(LWIP_DIR)/src/include

# The parts of lwIP this port uses: IPv4, TCP, UDP, DHCP, DNS, ARP, sockets.
NET_LWIP_FILES := core/init.c core/def.c core/dns.c core/inet_chksum.c core/ip.c core/mem.c \
	core/memp.c core/netif.c core/pbuf.c core/raw.c core/stats.c core/sys.c core/tcp.c \
	core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c \
	core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c \
	core/ipv4/ip4_frag.c \
	api/api_lib.c api/api_msg.c api/err.c api/netbuf.c api/netifapi.c api/sockets.c api/tcpip.c \
	netif/ethernet.c
NET_LWIP_SRCS := $(addprefix $(LWIP_DIR)/src/,$(NET_LWIP_FILES))
NET_LWIP_OBJS := $(patsubst %.c,$(NET_BUILD)/lwip/%.o,$(NET_LWIP_FILES))
NET_PORT_SRCS := $(wildcard net/*.c)
NET_PORT_OBJS := $(patsubst net/%.c,$(NET_BUILD)/port/%.o,$(NET_PORT_SRCS))
NET_OBJS := $(NET_LWIP_OBJS) $(NET_PORT_OBJS)

# lwIP is third-party code in its own dialect; it builds cleanly with our warnings.
NET_LWIP_CFLAGS := -std=gnu11 -Wall -Wextra -Werror \
	-Iinclude -Iguest/include $(GUEST_PORT_INCLUDE)

# The sources appear with the stamp; an order-only link keeps their old times from mattering.
$(NET_LWIP_SRCS): | $(LWIP_STAMP)

$(NET_BUILD)/lwip/%.o: $(LWIP_DIR)/src/%.c | $(NEWLIB_STAMP) $(LWIP_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(NET_LWIP_CFLAGS) $(NET_INCLUDE) $(GUEST_DEP_CFLAGS) -c -o $@ $<

$(NET_BUILD)/port/%.o: net/%.c | $(NEWLIB_STAMP) $(LWIP_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_OWN_CFLAGS) $(NET_INCLUDE) $(GUEST_DEP_CFLAGS) -c -o $@ $<

$(NET_LIB): $(NET_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(GUEST_AR) rcs $@ $^

-include $(NET_OBJS:.o=.d)
