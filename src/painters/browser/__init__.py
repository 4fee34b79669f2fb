"""Layer 6, the browser: the painters as ONNX graphs for the reader's browser (graphs.py,
export.py), copied into the built site with their runtime (bundle.py), and the widget that
paints with them (widget.py). Imports every layer below but measure/ and training/ need not."""
