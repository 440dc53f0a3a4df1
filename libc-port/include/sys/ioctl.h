/* ioctl.h: ioctl(2), for the one request portable socket code uses: FIONBIO. */
#ifndef UNIKVM_SYS_IOCTL_H
#define UNIKVM_SYS_IOCTL_H

#ifdef __cplusplus
extern "C" {
#endif

#define FIONREAD 0x541B
#define FIONBIO  0x5421

int ioctl(int fd, unsigned long request, ...);

#ifdef __cplusplus
}
#endif

#endif
