"""Demo upload workbooks for the fictional city 演示市 and their generator (see generate.py)."""
