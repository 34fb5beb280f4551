# tests/package/: `make package-test` builds the Debian package (debian/)
# from a clean copy of the tree, runs lintian on it, unpacks it with dpkg -x
# into a scratch root (nothing is installed on the machine) and runs the
# installed hvsim from there, outside the tree, with the two-domain CI
# example of docs/ci.md.  Not part of `make check`: it builds everything
# again (about 3 minutes on two cores); .ci/run runs it after make check.
.PHONY: package-test
package-test:
	@tests/package/package-test.sh
