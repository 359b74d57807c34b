"""The tasks: classify, tag files and DataFrames, train, tune, evaluate, chart."""
