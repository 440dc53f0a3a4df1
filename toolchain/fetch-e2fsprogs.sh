#!/bin/bash
# Fetch Debian's e2fsprogs source package with apt-get source (private apt
# configuration, as for lwIP), check its .dsc and .orig tarball against
# versions.mk, and unpack the upstream tree to
# build/toolchain/e2fsprogs-$E2FSPROGS_VERSION/, with our fixes for
# libext2fs bugs (patches/e2fsprogs-*.patch, each saying which bug).  Nothing
# is built here: fs/fs.mk compiles the part of lib/ext2fs the guest needs.
set -Eeuo pipefail
. "$(dirname "$0")/common.sh"

lock_component e2fsprogs
dest=$TC_OUT/e2fsprogs-$E2FSPROGS_VERSION
patches=$(cd "$TOOLCHAIN_DIR" && ls patches/e2fsprogs-*.patch 2>/dev/null || true)
# shellcheck disable=SC2086 # one name per word
id=$(inputs_id versions.mk common.sh fetch-e2fsprogs.sh $patches)
if [ -f "$dest/lib/ext2fs/openfs.c" ] && [ "$(cat "$dest/.toolchain-inputs" 2>/dev/null)" = "$id" ]; then
	note "e2fsprogs $E2FSPROGS_VERSION sources up to date"
	exit 0
fi

orig=$TC_DL/$E2FSPROGS_ORIG_FILE
fetch_source_package "$E2FSPROGS_SRC_PACKAGE" "$E2FSPROGS_SRC_VERSION" "$E2FSPROGS_DSC_FILE" "$E2FSPROGS_DSC_SHA256" \
	"$E2FSPROGS_ORIG_FILE" "$E2FSPROGS_ORIG_SHA256"

tmp=$TC_OUT/.e2fsprogs-unpack
rm -rf "$tmp" "$dest"
mkdir -p "$tmp"
note "unpacking $E2FSPROGS_ORIG_FILE"
tar -xzf "$orig" -C "$tmp"
set -- "$tmp"/*
[ $# -eq 1 ] && [ -f "$1/lib/ext2fs/openfs.c" ] && [ -f "$1/lib/et/error_message.c" ] ||
	die "$E2FSPROGS_ORIG_FILE: unexpected layout (want one directory with lib/ext2fs and lib/et)"
for p in $patches; do
	note "applying $p"
	patch -d "$1" -p1 --quiet --no-backup-if-mismatch <"$TOOLCHAIN_DIR/$p" ||
		die "$p does not apply to e2fsprogs $E2FSPROGS_VERSION"
done
echo "$id" >"$1/.toolchain-inputs"
mv "$1" "$dest"
rm -rf "$tmp"
note "e2fsprogs $E2FSPROGS_VERSION sources in ${dest#"$REPO_ROOT"/}"
