# tap.bash: sourced by the host tests (not run by test.sh: no .sh suffix).
# t NAME CMD...: "ok - NAME" if CMD succeeds, else its last output lines
# as diagnostics and "not ok - NAME".
t() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $name"
	else
		echo "$out" | tail -n 5 | sed 's/^/#   /'
		echo "not ok - $name"
	fi
}
