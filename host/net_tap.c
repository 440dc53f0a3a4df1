/* net_tap.c: the tap backend: frames go to and from a Linux tap interface. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

void net_random_mac(struct net_device *net) {
  static const uint8_t unset[6];
  if (memcmp(net->mac, unset, sizeof(unset)) != 0)
    return; /* already chosen: a restored snapshot keeps the MAC its guest knows */
  if (getrandom(net->mac, sizeof(net->mac), 0) != sizeof(net->mac))
    memcpy(net->mac, "\x52\x54\x00\x12\x34\x56", 6);
  net->mac[0] = (uint8_t)((net->mac[0] & 0xfe) | 0x02); /* unicast, locally administered */
}

/* The interface's MTU, so that the guest can use jumbo frames where the tap has them. */
static int tap_mtu(const char *ifname) {
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr = {0};
  snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
  int mtu = sock >= 0 && ioctl(sock, SIOCGIFMTU, &ifr) == 0 ? ifr.ifr_mtu : 1500;
  if (sock >= 0)
    close(sock);
  return mtu;
}

int net_tap_open(struct net_device *net, const char *ifname, char *err, size_t errlen) {
  if (strlen(ifname) == 0 || strlen(ifname) >= IFNAMSIZ) {
    snprintf(err, errlen, "tap:%s: interface name must be 1..%d characters", ifname, IFNAMSIZ - 1);
    return -1;
  }
  /* As root, TUNSETIFF would quietly create a tap connected to nothing. */
  if (if_nametoindex(ifname) == 0) {
    snprintf(err, errlen, "tap:%s: no such interface (create it: ip tuntap add %s mode tap)",
             ifname, ifname);
    return -1;
  }
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "/dev/net/tun: %s", strerror(errno));
    return -1;
  }
  struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI};
  snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    snprintf(err, errlen, "tap:%s: %s", ifname, strerror(errno));
    close(fd);
    return -1;
  }
  int mtu = tap_mtu(ifname);
  net->fd = fd;
  net->message_socket = false;
  net->helper_pid = 0;
  net->mtu = (uint16_t)(mtu > 65521 ? 65521 : mtu);
  net_random_mac(net);
  return 0;
}
