"""PyTorch reference of InfiMM-HD (the oracle of the parity tests) and the training pipeline."""
