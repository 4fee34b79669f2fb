"""Layer 3, the checkpoints: trained weights on disk, and the models loaded from them.

store.py (safetensors and the JSON manifest, checked for corruption), fingerprint.py (a
checkpoint's behaviour in a few numbers), loading.py (build the family's model, load the
weights, check the behaviour is unchanged). Imports core, canvas and families.

`from painters import checkpoints` then `checkpoints.load_model("gan")` is how pages and
scripts get a committed painter.
"""

from painters.checkpoints.loading import check_all, load_model, network_passes, retrain_command
from painters.checkpoints.store import CheckpointError, Manifest, load_history, read_manifest

__all__ = [
    "CheckpointError", "Manifest", "check_all", "load_history", "load_model", "network_passes", "read_manifest",
    "retrain_command",
]  # fmt: skip
