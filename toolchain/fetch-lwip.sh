#!/bin/bash
# Fetch Debian's lwip source package with apt-get source (private apt
# configuration with deb-src entries derived from the machine's sources),
# check its .dsc and .orig tarball against versions.mk, and unpack the
# upstream tree to build/toolchain/lwip-$LWIP_VERSION/ with our fixes for lwIP
# bugs (patches/lwip-*.patch, each saying which bug).  Nothing is built.
#
# Debian's +dfsg1 repack drops only doc/doxygen/output (generated HTML);
# Debian's patches (Hurd port/, cmake files, a PPP fix) are not applied.
set -Eeuo pipefail
. "$(dirname "$0")/common.sh"

lock_component lwip
dest=$TC_OUT/lwip-$LWIP_VERSION
patches=$(cd "$TOOLCHAIN_DIR" && ls patches/lwip-*.patch 2>/dev/null || true)
# shellcheck disable=SC2086 # one name per word
id=$(inputs_id versions.mk common.sh fetch-lwip.sh $patches)
if [ -f "$dest/src/core/tcp.c" ] && [ "$(cat "$dest/.toolchain-inputs" 2>/dev/null)" = "$id" ]; then
	note "lwIP $LWIP_VERSION sources up to date"
	exit 0
fi

orig=$TC_DL/$LWIP_ORIG_FILE
fetch_source_package "$LWIP_SRC_PACKAGE" "$LWIP_SRC_VERSION" "$LWIP_DSC_FILE" "$LWIP_DSC_SHA256" \
	"$LWIP_ORIG_FILE" "$LWIP_ORIG_SHA256"

tmp=$TC_OUT/.lwip-unpack
rm -rf "$tmp" "$dest"
mkdir -p "$tmp"
note "unpacking $LWIP_ORIG_FILE"
tar -xJf "$orig" -C "$tmp"
set -- "$tmp"/*
[ $# -eq 1 ] && [ -f "$1/src/core/tcp.c" ] && [ -d "$1/src/include/lwip" ] ||
	die "$LWIP_ORIG_FILE: unexpected layout (want one directory with src/core and src/include)"
# A stray pax header left as a file by the repack.
rm -f "$1/pax_global_header"
# lwIP's sources have CRLF line ends; the files a patch touches get LF ones
# first, so that the patches stay plain text.
for p in $patches; do
	note "applying $p"
	for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$TOOLCHAIN_DIR/$p"); do
		[ -f "$1/$f" ] || die "$p patches $f, which lwIP $LWIP_VERSION does not have"
		sed -i 's/\r$//' "$1/$f"
	done
	patch -d "$1" -p1 --quiet --no-backup-if-mismatch <"$TOOLCHAIN_DIR/$p" ||
		die "$p does not apply to lwIP $LWIP_VERSION"
done
echo "$id" >"$1/.toolchain-inputs"
mv "$1" "$dest"
rm -rf "$tmp"
note "lwIP $LWIP_VERSION sources in ${dest#"$REPO_ROOT"/}"
