#!/bin/sh
# check-image.sh: static checks of hvt images: what the loader demands, no privileged instructions.
# Usage: tests/guest/check-image.sh IMAGE...   (prints one line per image; exits 1 if any fails)
set -u

fail=0
for img in "$@"; do
	why=
	hdr=$(readelf -hW "$img" 2>&1) || why="not an ELF file"
	if [ -z "$why" ]; then
		echo "$hdr" | grep -q 'Type:.*EXEC' || why="not ET_EXEC"
	fi
	if [ -z "$why" ]; then
		echo "$hdr" | grep -q 'Machine:.*X86-64' || why="not x86-64"
	fi
	if [ -z "$why" ]; then
		entry=$(echo "$hdr" | awk '/Entry point address/ {print $4}')
		[ $((entry)) -ge $((0x100000)) ] || why="entry point $entry is below 1 MiB"
	fi
	if [ -z "$why" ]; then
		# PT_LOAD columns: Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg... Align
		loads=$(readelf -lW "$img" | awk '$1 == "LOAD"')
		[ -n "$loads" ] || why="no PT_LOAD segment"
		# Flags sit between MemSiz and Align and may be split by spaces ("R E").
		echo "$loads" |
			awk '{f = ""; for (i = 7; i < NF; i++) f = f $i; if (f ~ /W/ && f ~ /E/) exit 1}' ||
			why="a PT_LOAD segment is writable and executable"
		addrs=$(echo "$loads" | awk '{print $3, $4}')
		while read -r vaddr paddr; do
			if [ $((vaddr)) -lt $((0x100000)) ] || [ $((vaddr)) -ne $((paddr)) ]; then
				why="PT_LOAD at $vaddr: below 1 MiB or vaddr != paddr"
			fi
		done <<-END
			$addrs
		END
	fi
	if [ -z "$why" ]; then
		readelf -lW "$img" | grep -q '^ *NOTE ' || why="no PT_NOTE segment"
		# With -W each note is one line: owner, size, type, description.
		note=$(readelf -nW "$img" | grep -E '^ *unikvm +0x00000008.*0x554b0001')
		[ -n "$note" ] || why="no unikvm ABI note"
		if [ -z "$why" ]; then
			echo "$note" | grep -q 'description data: 01 00 00 00 ' ||
				why="unikvm note does not carry ABI version 1"
		fi
	fi
	if [ -z "$why" ]; then
		undef=$(nm -u "$img")
		[ -z "$undef" ] || why="undefined symbols: $(echo "$undef" | tr "\n" " ")"
	fi
	if [ -z "$why" ]; then
		# At CPL 3 these #GP; under PVM at CPL 0 they would be emulated one by one.
		privileged='hlt|cli|sti|wrmsr|rdmsr|lgdt|lidt|ltr|lldt|invlpg|clts|wbinvd|invd|swapgs'
		privileged="$privileged|sysretq?|xsetbv|iretq?"
		priv=$(objdump -d --no-show-raw-insn "$img" | grep -Ew "$privileged" | head -3)
		[ -z "$priv" ] || why="privileged instructions: $(echo "$priv" | tr "\n" ";")"
		crs=$(objdump -d --no-show-raw-insn "$img" | grep -E 'mov +%[cd]r[0-9]|,%[cd]r[0-9]' | head -3)
		[ -z "$crs" ] || why="control/debug register access: $(echo "$crs" | tr "\n" ";")"
	fi
	if [ -n "$why" ]; then
		echo "check-image: $img: $why"
		fail=1
	else
		echo "check-image: $img: ok"
	fi
done
exit $fail
