#!/bin/bash
# Configure, build and install newlib (libc + libm only) for x86_64-elf with
# the host gcc through toolchain/guest-gcc, into build/toolchain/newlib/:
#   headers  build/toolchain/newlib/x86_64-elf/include/
#   libs     build/toolchain/newlib/x86_64-elf/lib/{libc.a,libm.a}
# No syscalls are supplied: libc calls _write, _sbrk, ... of the OS layer
# (libc-port).  newlib's configure.host defines MISSING_SYSCALL_NAMES for a
# target it does not know (x86_64-elf), which would make libc call write,
# sbrk, ... instead and take those names from applications; CFLAGS undo it.
# There is no syscalls/ directory for this target either, so libc.a does not
# define the POSIX names (write, read, ...) at all: the OS layer does.
# Locks are retargetable: libc carries no-op __retarget_lock_* functions and
# static locks (one object file) that the OS layer may replace as a whole.
# Then check the result: OS-layer references present, non-PIC code, no red
# zone.  Fetches the sources first if they are not unpacked.
set -Eeuo pipefail
. "$(dirname "$0")/common.sh"

target=x86_64-elf
src=$TC_OUT/src/newlib-$NEWLIB_VERSION
obj=$TC_OUT/newlib-build
prefix=$TC_OUT/newlib
log=$TC_LOGS/newlib-build.log
jobs=${TOOLCHAIN_JOBS:-2}

for tool in gcc ar as ld nm ranlib objdump readelf strip make; do
	command -v "$tool" >/dev/null || die "$tool not found (install gcc, binutils and make)"
done

lock_component newlib
[ -f "$src/.toolchain-inputs" ] || "$TOOLCHAIN_DIR/fetch-newlib.sh"
# Inputs: the sources (by the id they were unpacked with), this script, the
# compiler wrapper, and the host compiler and assembler themselves.
id=$({
	cat "$src/.toolchain-inputs"
	inputs_id versions.mk common.sh build-newlib.sh guest-gcc
	gcc --version | head -n 1
	as --version | head -n 1
} | sha256sum | cut -d' ' -f1)
if [ "$(cat "$prefix/.toolchain-inputs" 2>/dev/null)" = "$id" ] &&
	[ -f "$prefix/$target/lib/libc.a" ] && [ -f "$prefix/$target/lib/libm.a" ] &&
	[ -f "$prefix/$target/include/stdio.h" ]; then
	note "newlib $NEWLIB_VERSION up to date"
	exit 0
fi

# Our own make (if any) must not hand its jobserver or flags down.
unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS

rm -rf "$obj" "$prefix"
mkdir -p "$obj" "$TC_LOGS"

fail() {
	tail -n 25 "$log" | sed 's/^/  /' >&2
	die "newlib: $1 failed (full log: ${log#"$REPO_ROOT"/})"
}

note "building newlib $NEWLIB_VERSION for $target (log: ${log#"$REPO_ROOT"/})"
cd "$obj"
"$src/configure" \
	--build=x86_64-pc-linux-gnu --host=x86_64-pc-linux-gnu --target=$target \
	--prefix="$prefix" \
	--disable-multilib \
	--disable-newlib-supplied-syscalls \
	--enable-newlib-io-long-long \
	--enable-newlib-io-long-double \
	--enable-newlib-io-c99-formats \
	--enable-newlib-retargetable-locking \
	--disable-nls \
	CC_FOR_TARGET="$TOOLCHAIN_DIR/guest-gcc" \
	CFLAGS_FOR_TARGET="-O2 -g -UMISSING_SYSCALL_NAMES" \
	AR_FOR_TARGET=ar AS_FOR_TARGET=as LD_FOR_TARGET=ld NM_FOR_TARGET=nm \
	RANLIB_FOR_TARGET=ranlib OBJDUMP_FOR_TARGET=objdump \
	READELF_FOR_TARGET=readelf STRIP_FOR_TARGET=strip \
	>"$log" 2>&1 || fail configure
# Only newlib itself: the top level would also configure libgloss.
make -j"$jobs" all-target-newlib >>"$log" 2>&1 || fail make
make install-target-newlib >>"$log" 2>&1 || fail "make install"

# --- checks ---------------------------------------------------------------
inc=$prefix/$target/include
lib=$prefix/$target/lib
for f in "$inc/stdio.h" "$inc/newlib.h" "$lib/libc.a" "$lib/libm.a"; do
	[ -f "$f" ] || die "newlib: ${f#"$REPO_ROOT"/} missing after install"
done
# (Outputs are captured first: grep -q closing a pipe early would fail it.)
libc_syms=$(nm "$lib/libc.a" 2>/dev/null)
grep -qw 'U _write' <<<"$libc_syms" ||
	die "newlib: libc.a does not call _write (MISSING_SYSCALL_NAMES or supplied syscalls?)"
! grep -Eqw 'T (_write|write)' <<<"$libc_syms" ||
	die "newlib: libc.a defines write/_write itself (supplied syscalls?)"
for a in libc.a libm.a; do
	relocs=$(readelf -rW "$lib/$a")
	! grep -Eq 'R_X86_64_(REX_)?GOTPC|R_X86_64_GOT(32|64|OFF)|R_X86_64_TLS' <<<"$relocs" ||
		die "newlib: $a has GOT/TLS relocations (not built with -fno-pic?)"
	grep -q 'R_X86_64_32' <<<"$relocs" ||
		die "newlib: $a has no absolute 32-bit relocations (built as PIC?)"
	# -g records the gcc switches in every C object's DW_AT_producer.
	producers=$(strings -a "$lib/$a" | grep '^GNU C' || true)
	[ -n "$producers" ] || die "newlib: $a has no DW_AT_producer strings (built without -g?)"
	! grep -qv -- '-mno-red-zone' <<<"$producers" ||
		die "newlib: $a has C objects compiled without -mno-red-zone"
done
rm -rf "$obj"
echo "$id" >"$prefix/.toolchain-inputs"
note "newlib installed in ${prefix#"$REPO_ROOT"/}/$target ($(du -sh "$lib/libc.a" | cut -f1) libc.a)"
