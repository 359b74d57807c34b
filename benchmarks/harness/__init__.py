"""Helpers of ``benchmarks/run.py``: data preparation, measured subprocesses, statistics, report.

Modules import only the standard library at the top (children that time a whole process must
start fast); numpy, scikit-learn, newsclf and fastText are imported where they are used.
"""
