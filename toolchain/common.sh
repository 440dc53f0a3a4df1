# Shared by the toolchain scripts; sourced, never run.
#
# Paths: everything lands under build/toolchain/ of the repository:
#   dl/      downloaded files (kept by toolchain-clean, so rebuilds work offline)
#   apt/     private apt configuration, package lists and cache (never /etc/apt)
#   src/     unpacked sources that get built (newlib)
#   logs/    full output of long steps
#   newlib/  newlib install prefix; lwip-2.1.3/ the unpacked lwIP tree

TOOLCHAIN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$TOOLCHAIN_DIR/.." && pwd)
TC_OUT=$REPO_ROOT/build/toolchain
TC_DL=$TC_OUT/dl
TC_APT=$TC_OUT/apt
TC_LOGS=$TC_OUT/logs

# shellcheck source=versions.mk
. "$TOOLCHAIN_DIR/versions.mk"

SCRIPT_NAME=$(basename "$0")

die() {
	echo "toolchain: $*" >&2
	exit 1
}

# Any command that fails without its own message still ends in one line.
trap 'die "$SCRIPT_NAME: line $LINENO: command failed: $BASH_COMMAND"' ERR

note() {
	echo "toolchain: $*"
}

# lock_component NAME: hold build/toolchain/.NAME.lock until this script
# (and whatever it runs) ends, so that two builds started at once in the same
# tree (two makes, or make -j) take turns.  Scripts run by a script that
# holds the lock inherit it.
lock_component() {
	local var=TOOLCHAIN_LOCKED_$1
	[ -z "${!var:-}" ] || return 0
	mkdir -p "$TC_OUT"
	exec 8>"$TC_OUT/.$1.lock"
	flock 8
	export "$var=1"
}

# inputs_id FILE...: one sum over the contents of the named files of
# toolchain/.  A step records the id of its inputs next to its output and is
# skipped when they are unchanged: make remakes a stamp whose inputs are
# newer, but a second make that waited for the lock, or a file that was only
# touched, then costs nothing.
inputs_id() {
	(cd "$TOOLCHAIN_DIR" && sha256sum "$@") | sha256sum | cut -d' ' -f1
}

sha256_of() {
	sha256sum "$1" | cut -d' ' -f1
}

# verify_sha256 FILE EXPECTED: die with both sums unless they match.
verify_sha256() {
	local got
	got=$(sha256_of "$1")
	[ "$got" = "$2" ] ||
		die "$(basename "$1"): sha256 mismatch (expected $2, got $got)"
}

# cached_ok FILE EXPECTED: true if FILE is present with the right sum.
# A present file with another sum (an interrupted download, or a changed
# pin) is moved aside to FILE.rejected, so that it is fetched again.
cached_ok() {
	[ -f "$1" ] || return 1
	[ "$(sha256_of "$1")" = "$2" ] && return 0
	note "$(basename "$1"): cached copy has another sha256, fetching it again"
	mv -f "$1" "$1.rejected"
	return 1
}

# --- private apt ----------------------------------------------------------
#
# apt runs with its own source list, package lists and cache under
# build/toolchain/apt/, so /etc/apt and /var/lib/apt are only read.  The
# source list is derived from the machine's own apt sources: every enabled
# entry of this Debian release (its suites are the codename or codename-*),
# once as "deb" (for apt-get download) and once as "deb-src" (for apt-get
# source).  Entries of other suites (third-party repositories) are left out.

APT_OPTS=(
	-o "Dir::Etc::SourceList=$TC_APT/sources.list"
	-o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::State::Lists=$TC_APT/lists"
	-o "Dir::Cache=$TC_APT/cache"
	-o "APT::Sandbox::User=root"
	-q
)

# Print the one-line entries for the private source list on stdout.
derive_apt_sources() {
	local etc=${TOOLCHAIN_APT_ETC:-/etc/apt} codename
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "cannot tell the Debian codename from /etc/os-release"
	{
		# One-line format: /etc/apt/sources.list and sources.list.d/*.list
		for f in "$etc/sources.list" "$etc"/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			awk '
			{ sub(/#.*/, "") }
			$1 == "deb" || $1 == "deb-src" {
				opts = ""; i = 2
				if ($2 ~ /^\[/) {
					while (i <= NF) { opts = opts (opts == "" ? "" : " ") $i; if ($i ~ /\]$/) { i++; break } i++ }
				}
				uri = $i; suite = $(i + 1); comps = ""
				for (j = i + 2; j <= NF; j++) comps = comps " " $j
				print uri "\t" suite "\t" comps "\t" opts
			}' "$f"
		done
		# deb822 format: sources.list.d/*.sources
		for f in "$etc"/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk '
			function flush(   n, m, u, s, us, ss, o) {
				if (types ~ /(^| )deb(-src)?( |$)/ && tolower(enabled) != "no") {
					o = ""
					if (signedby != "" && signedby !~ /BEGIN PGP/) o = "signed-by=" signedby
					if (trusted != "") o = o (o == "" ? "" : " ") "trusted=" trusted
					if (o != "") o = "[" o "]"
					n = split(uris, us, " "); m = split(suites, ss, " ")
					for (u = 1; u <= n; u++) for (s = 1; s <= m; s++)
						print us[u] "\t" ss[s] "\t " comps "\t" o
				}
				types = uris = suites = comps = signedby = trusted = enabled = ""; key = ""
			}
			/^#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[ \t]/ { if (key == "signed-by") signedby = signedby "\n" $0; next }
			{
				key = tolower($0); sub(/:.*/, "", key)
				val = $0; sub(/^[^:]*:[ \t]*/, "", val)
				if (key == "types") types = val
				else if (key == "uris") uris = val
				else if (key == "suites") suites = val
				else if (key == "components") comps = val
				else if (key == "signed-by") signedby = val
				else if (key == "trusted") trusted = val
				else if (key == "enabled") enabled = val
			}
			END { flush() }' "$f"
		done
	} | awk -F'\t' -v cn="$codename" '
		($2 == cn || index($2, cn "-") == 1) && !seen[$0]++ {
			opts = ($4 == "" ? "" : $4 " ")
			print "deb " opts $1 " " $2 $3
			print "deb-src " opts $1 " " $2 $3
		}'
}

# apt_private_setup: write the private configuration (kept if unchanged,
# so that the package lists stay valid).
apt_private_setup() {
	mkdir -p "$TC_APT/lists/partial" "$TC_APT/cache/archives/partial"
	local new=$TC_APT/sources.list.new
	derive_apt_sources >"$new"
	[ -s "$new" ] || die "no apt source for this Debian release found in /etc/apt"
	if cmp -s "$new" "$TC_APT/sources.list"; then
		rm -f "$new"
	else
		mv "$new" "$TC_APT/sources.list"
		# Lists of another source set are useless: fetch them again.
		find "$TC_APT/lists" -maxdepth 1 -type f -delete
	fi
}

apt_private_update() {
	note "apt-get update (private lists in build/toolchain/apt/)"
	mkdir -p "$TC_LOGS"
	# A failing secondary source must not stop us; whether what we need
	# became available is checked by the caller.
	apt-get "${APT_OPTS[@]}" update >"$TC_LOGS/apt-update.log" 2>&1 ||
		note "apt-get update reported errors (see build/toolchain/logs/apt-update.log)"
}

apt_private_has_lists() {
	compgen -G "$TC_APT/lists/*_Packages*" >/dev/null &&
		compgen -G "$TC_APT/lists/*_Sources*" >/dev/null
}

# apt_fetch DESC CMD...: run an apt-get command (with the private options)
# in build/toolchain/dl/, updating the private lists first if there are
# none, or else once the command has failed (then retrying it).  Serialized
# with a lock, as newlib and lwIP may be fetched by parallel make jobs.
apt_fetch() {
	local desc=$1
	shift
	mkdir -p "$TC_DL" "$TC_LOGS" "$TC_APT"
	exec 9>"$TC_APT/.lock"
	flock 9
	apt_private_setup
	local log=$TC_LOGS/apt-fetch.log updated=no
	if ! apt_private_has_lists; then
		apt_private_update
		updated=yes
	fi
	if ! (cd "$TC_DL" && apt-get "${APT_OPTS[@]}" "$@") >"$log" 2>&1; then
		[ $updated = yes ] || apt_private_update
		(cd "$TC_DL" && apt-get "${APT_OPTS[@]}" "$@") >"$log" 2>&1 || {
			{ grep -Es '^(E|W): ' "$TC_LOGS/apt-update.log" | tail -n 3 || true
			  grep -Es '^(E|W): ' "$log" | tail -n 3 || true; } | sed 's/^/  /' >&2
			die "cannot fetch $desc with apt-get (offline, or version gone from the archive?)"
		}
	fi
	flock -u 9
}

# fetch_source_package PKG VERSION DSC_FILE DSC_SHA256 ORIG_FILE ORIG_SHA256: makes sure the
# Debian source package's .dsc and .orig tarball are in $TC_DL with their pinned sums (fetching
# them with apt-get source when missing), and that the .dsc lists the tarball with its sum: the
# .dsc is what ties the .orig tarball to the Debian version.
fetch_source_package() {
	local pkg=$1 version=$2 dsc=$TC_DL/$3 dsc_sum=$4 orig=$TC_DL/$5 orig_sum=$6 pair f want got
	if ! cached_ok "$orig" "$orig_sum" || ! cached_ok "$dsc" "$dsc_sum"; then
		note "fetching source package $pkg $version"
		apt_fetch "source package $pkg $version" source --download-only "$pkg=$version"
		for pair in "$dsc:$dsc_sum" "$orig:$orig_sum"; do
			f=${pair%%:*} want=${pair##*:}
			[ -f "$f" ] || die "apt-get source did not produce $(basename "$f")"
			got=$(sha256_of "$f")
			if [ "$got" != "$want" ]; then
				mv -f "$f" "$f.rejected"
				die "$(basename "$f"): sha256 mismatch (expected $want, got $got)"
			fi
		done
	fi
	awk -v sum="$orig_sum" -v file="$5" \
		'$1 == sum && $3 == file { found = 1 } END { exit !found }' "$dsc" ||
		die "$3: does not list $5 with sha256 $orig_sum"
}
