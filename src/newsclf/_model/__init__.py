"""The model and its file format: features, the estimator, its card, saving and loading."""
