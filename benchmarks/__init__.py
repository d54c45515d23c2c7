"""Benchmarks and the synthetic corpus they (and the equivalence tests) use."""
