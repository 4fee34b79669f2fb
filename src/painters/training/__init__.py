"""Layer 5, training: train a family from scratch, measure it, save the checkpoint with what made
it (run.py), after checking everything the run needs. Imports every layer below it; nothing
below imports it."""
