"""Layer 2, the families: the four painters and the judge, one file each, and what they share.

registry.py (the contract every family keeps, and the list of families), fit.py (the one
training loop), shared.py (the text encoder, pixels and tensors, guidance, probe inputs), then
gan.py, vae.py, diffusion.py, autoregressive.py and judge.py, each readable top to bottom:
config, networks, loss, sampler, training step. Imports core and canvas; families do not
import each other.
"""
