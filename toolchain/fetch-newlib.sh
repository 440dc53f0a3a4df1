#!/bin/bash
# Fetch Debian's newlib-source package (without installing it), check it and
# the newlib tarball inside it against versions.mk, and unpack the sources to
# build/toolchain/src/newlib-$NEWLIB_VERSION/.  The .deb is cached in
# build/toolchain/dl/, so later runs need no network.
set -Eeuo pipefail
. "$(dirname "$0")/common.sh"

lock_component newlib
src=$TC_OUT/src/newlib-$NEWLIB_VERSION
id=$(inputs_id versions.mk common.sh fetch-newlib.sh)
if [ -f "$src/newlib/configure" ] && [ "$(cat "$src/.toolchain-inputs" 2>/dev/null)" = "$id" ]; then
	note "newlib $NEWLIB_VERSION sources up to date"
	exit 0
fi

deb=$TC_DL/$NEWLIB_DEB_FILE
if ! cached_ok "$deb" "$NEWLIB_DEB_SHA256"; then
	note "fetching $NEWLIB_DEB_PACKAGE $NEWLIB_DEB_VERSION"
	apt_fetch "$NEWLIB_DEB_PACKAGE $NEWLIB_DEB_VERSION" \
		download "$NEWLIB_DEB_PACKAGE=$NEWLIB_DEB_VERSION"
	[ -f "$deb" ] || die "apt-get download did not produce $NEWLIB_DEB_FILE"
	if [ "$(sha256_of "$deb")" != "$NEWLIB_DEB_SHA256" ]; then
		got=$(sha256_of "$deb")
		mv -f "$deb" "$deb.rejected"
		die "$NEWLIB_DEB_FILE: sha256 mismatch (expected $NEWLIB_DEB_SHA256, got $got)"
	fi
fi

tmp=$TC_OUT/src/.newlib-unpack
rm -rf "$tmp" "$src"
mkdir -p "$tmp/deb" "$tmp/tree"
dpkg-deb -x "$deb" "$tmp/deb"
tarball=$tmp/deb/$NEWLIB_TARBALL
[ -f "$tarball" ] || die "$NEWLIB_DEB_FILE: no $NEWLIB_TARBALL inside"
verify_sha256 "$tarball" "$NEWLIB_TARBALL_SHA256"

# The tarball's top directory is not named after the version (3.3.0 has
# "newlib-salsa"), so take whatever single directory it holds.
note "unpacking $(basename "$tarball")"
tar -xJf "$tarball" -C "$tmp/tree"
set -- "$tmp"/tree/*
[ $# -eq 1 ] && [ -f "$1/newlib/configure" ] ||
	die "$(basename "$tarball"): unexpected layout (want one directory with newlib/configure)"
echo "$id" >"$1/.toolchain-inputs"
mv "$1" "$src"
rm -rf "$tmp"
note "newlib $NEWLIB_VERSION sources in ${src#"$REPO_ROOT"/}"
