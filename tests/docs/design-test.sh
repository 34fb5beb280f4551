#!/bin/sh
# docs/design.md is the design brief a clone carries: it must say what the
# steering team's ARCHITECTURE.md says, when that is beside the repository
# (../shared/design/, as in CI).  A difference means the design moved and
# the repository's copy (with the note on the issue that moved it) did not.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/reference/test-lib.sh"
shared=$top/../shared/design/ARCHITECTURE.md
if [ ! -f "$shared" ]; then
	echo "design-test: no $shared beside the repository; nothing to compare"
	test_summary design-test
	exit
fi
# the copy is the brief after its leading comment
copy=$(sed '1,/^-->$/d' "$top/docs/design.md")
expect "docs/design.md is ../shared/design/ARCHITECTURE.md" "$copy" "$(cat "$shared")"
test_summary design-test
