/* netconf.h: the virtual network the helper serves: QEMU's defaults, so users already know it. */
#ifndef UNIKVM_SLIRP_NETCONF_H
#define UNIKVM_SLIRP_NETCONF_H

/* Host byte order; hand them to libslirp through htonl(). */
#define NETCONF_NETWORK      0x0a000200u /* 10.0.2.0 */
#define NETCONF_NETMASK      0xffffff00u /* /24 */
#define NETCONF_HOST         0x0a000202u /* 10.0.2.2: gateway, and the host as the guest sees it */
#define NETCONF_DNS          0x0a000203u /* 10.0.2.3 */
#define NETCONF_DHCP_START   0x0a00020fu /* 10.0.2.15: the guest's address from DHCP */
#define NETCONF_HOSTFWD_BIND 0x7f000001u /* 127.0.0.1: never listen beyond loopback by default */

#endif
