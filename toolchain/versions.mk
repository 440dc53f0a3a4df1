# Pinned third-party sources for the guest toolchain.
#
# This file is read both by make (toolchain.mk includes it) and by the
# shell scripts here (they source it), so it only holds NAME=value lines
# whose values need no quoting.  Changing any line rebuilds what depends
# on it.  Every checksum is sha256.

# newlib: Debian's newlib-source binary package ships the (Debian-patched)
# newlib tarball under /usr/src/newlib/.  Fetched with apt-get download,
# never installed.
NEWLIB_VERSION=3.3.0
NEWLIB_DEB_PACKAGE=newlib-source
NEWLIB_DEB_VERSION=3.3.0-1.3+deb12u1
NEWLIB_DEB_FILE=newlib-source_3.3.0-1.3+deb12u1_all.deb
NEWLIB_DEB_SHA256=b9a825a86064e6ffd1f8d1b91a3f7c6a5baf3ab3d246e5ed132ba22c42f6fef1
NEWLIB_TARBALL=usr/src/newlib/newlib-3.3.0.tar.xz
NEWLIB_TARBALL_SHA256=c6f3a88b9d93420904241b231ca8647303be3bfb3cfef6adc8d1ea9207291033

# lwIP: Debian source package (repacked upstream tarball, +dfsg1), fetched
# with apt-get source.  Only the .orig tarball is unpacked; Debian's own
# patches (Hurd port, cmake, PPP CVE fix) are not applied.
LWIP_VERSION=2.1.3
LWIP_SRC_PACKAGE=lwip
LWIP_SRC_VERSION=2.1.3+dfsg1-2
LWIP_ORIG_FILE=lwip_2.1.3+dfsg1.orig.tar.xz
LWIP_ORIG_SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
LWIP_DSC_FILE=lwip_2.1.3+dfsg1-2.dsc
LWIP_DSC_SHA256=8d8f944db8e6d542fc2d6f01559078fb1b5dda71651c67ee5fa3571ed1342c50

# e2fsprogs (for libext2fs, the guest's file system library): Debian source
# package fetched with apt-get source.  Only the upstream .orig tarball is
# unpacked; Debian's one patch (mke2fs.conf defaults) does not touch libext2fs.
E2FSPROGS_VERSION=1.47.0
E2FSPROGS_SRC_PACKAGE=e2fsprogs
E2FSPROGS_SRC_VERSION=1.47.0-2
E2FSPROGS_ORIG_FILE=e2fsprogs_1.47.0.orig.tar.gz
E2FSPROGS_ORIG_SHA256=6667afde56eef0c6af26684974400e4d2288ea49e9441bf5e6229195d51a3578
E2FSPROGS_DSC_FILE=e2fsprogs_1.47.0-2.dsc
E2FSPROGS_DSC_SHA256=35b4de254e021f721362b767994598e249fea02e38ac446197cd9c22be1130fd
