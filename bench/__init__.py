"""Performance bench of the metric engine on a province-scale synthetic dataset (``python -m bench.bench``)."""
