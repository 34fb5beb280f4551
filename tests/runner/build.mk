# tests/runner/: tests/run-tests itself (what a failed run shows at its end).
TESTS += tests/runner/run-tests-test.sh
