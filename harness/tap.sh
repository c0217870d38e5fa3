# harness/tap.sh: the suite's TAP numbering and counting.  Sourced by
# test.sh (and by tests/host/harness.sh, which tests it).
#
#   tap "ok"|"not ok" NAME [DIRECTIVE]   number, print and count one result
#   relay PREFIX [REASON]                re-emit a guest's unnumbered TAP
#   tap_summary                          the plan and the summary line

TAP_N=0 TAP_PASSED=0 TAP_FAILED=0 TAP_SKIPPED=0 TAP_TODO=0

tap() {
	local status=$1 name=$2 dir=${3:-}
	TAP_N=$((TAP_N + 1))
	echo "$status $TAP_N - $name${dir:+ # $dir}"
	case "$status:$dir" in
	*:SKIP*) TAP_SKIPPED=$((TAP_SKIPPED + 1)) ;;
	*:TODO*) TAP_TODO=$((TAP_TODO + 1)) ;;
	ok:*) TAP_PASSED=$((TAP_PASSED + 1)) ;;
	*) TAP_FAILED=$((TAP_FAILED + 1)) ;;
	esac
}

# relay PREFIX [REASON]: read unnumbered TAP ("ok - x", "not ok - x # why",
# "# ...") on stdin and re-emit it numbered, with PREFIX, and marked TODO
# with REASON when that is set (not over a SKIP).
relay() {
	local prefix=$1 reason=${2:-} line status rest name dir
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) status=ok; rest=${line#ok - } ;;
		"not ok - "*) status="not ok"; rest=${line#not ok - } ;;
		"#"*) echo "$line"; continue ;;
		*) continue ;;
		esac
		name=${rest%% # *}
		dir=
		[ "$name" != "$rest" ] && dir=${rest#* # }
		[ -n "$reason" ] && [ "${dir#SKIP}" = "$dir" ] && dir="TODO $reason${dir:+ ($dir)}"
		tap "$status" "$prefix$name" "$dir"
	done
}

# tap_summary SECONDS: the plan, the TODO count and the last line.
tap_summary() {
	echo "1..$TAP_N"
	echo "# $TAP_TODO TODO (expected failures, counted as skipped); ${1}s in all"
	echo "$TAP_PASSED passed, $TAP_FAILED failed, $((TAP_SKIPPED + TAP_TODO)) skipped"
}
