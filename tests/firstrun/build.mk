# tests/firstrun/: a first `make run` on a fresh machine installs the
# Debian packages before it reads any flag from them (a script: no build).
TESTS += tests/firstrun/firstrun-test.sh
