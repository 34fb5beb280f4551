# tests/docs/: the repository's copy of the design brief stays the brief.
TESTS += tests/docs/design-test.sh
