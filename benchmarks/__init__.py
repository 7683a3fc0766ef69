"""Speed measurements, run by `make bench`; never by the tests."""
