"""The national-scale benchmark: `make bench` (see benchmarks/run.py)."""
