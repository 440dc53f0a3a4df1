#!/bin/bash
# Fetch Debian's lwip source package with apt-get source (private apt
# configuration with deb-src entries derived from the machine's sources),
# check its .dsc and .orig tarball against versions.mk, and unpack the
# upstream tree to build/toolchain/lwip-$LWIP_VERSION/.  Nothing is built.
#
# Debian's +dfsg1 repack drops only doc/doxygen/output (generated HTML);
# Debian's patches (Hurd port/, cmake files, a PPP fix) are not applied.
set -Eeuo pipefail
. "$(dirname "$0")/common.sh"

lock_component lwip
dest=$TC_OUT/lwip-$LWIP_VERSION
id=$(inputs_id versions.mk common.sh fetch-lwip.sh)
if [ -f "$dest/src/core/tcp.c" ] && [ "$(cat "$dest/.toolchain-inputs" 2>/dev/null)" = "$id" ]; then
	note "lwIP $LWIP_VERSION sources up to date"
	exit 0
fi

orig=$TC_DL/$LWIP_ORIG_FILE
dsc=$TC_DL/$LWIP_DSC_FILE
if ! cached_ok "$orig" "$LWIP_ORIG_SHA256" || ! cached_ok "$dsc" "$LWIP_DSC_SHA256"; then
	note "fetching source package $LWIP_SRC_PACKAGE $LWIP_SRC_VERSION"
	apt_fetch "source package $LWIP_SRC_PACKAGE $LWIP_SRC_VERSION" \
		source --download-only "$LWIP_SRC_PACKAGE=$LWIP_SRC_VERSION"
	for pair in "$dsc:$LWIP_DSC_SHA256" "$orig:$LWIP_ORIG_SHA256"; do
		f=${pair%%:*} want=${pair##*:}
		[ -f "$f" ] || die "apt-get source did not produce $(basename "$f")"
		got=$(sha256_of "$f")
		if [ "$got" != "$want" ]; then
			mv -f "$f" "$f.rejected"
			die "$(basename "$f"): sha256 mismatch (expected $want, got $got)"
		fi
	done
fi

# The .dsc is what ties the .orig tarball to the Debian version: it must
# list the tarball with the pinned sum.
awk -v sum="$LWIP_ORIG_SHA256" -v file="$LWIP_ORIG_FILE" \
	'$1 == sum && $3 == file { found = 1 } END { exit !found }' "$dsc" ||
	die "$LWIP_DSC_FILE: does not list $LWIP_ORIG_FILE with sha256 $LWIP_ORIG_SHA256"

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
echo "$id" >"$1/.toolchain-inputs"
mv "$1" "$dest"
rm -rf "$tmp"
note "lwIP $LWIP_VERSION sources in ${dest#"$REPO_ROOT"/}"
