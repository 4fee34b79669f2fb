"""Four painters, one canvas: tiny text-conditional image generators on a procedural toy world.

The package is built in layers, each a folder; a module may import its own layer and the
layers below it, never one above (tests/test_imports.py fails when one does):

    0 core/         files written whole, the cache folder, the machine
    1 canvas/       the toy world: scenes, words, the renderer, datasets, PNG grids
    2 families/     the four painters and the judge (one file each), the registry, the fit loop
    3 checkpoints/  weights on disk, and models loaded from them, checked by behaviour
    4 measure/      the judge's readings, the metrics, galleries, timings, experiments, claims
    5 training/     train, measure and save a checkpoint
    6 browser/      the painters as ONNX graphs and the widget, for painting in the page
    7 site/         the MkDocs hooks, the pages' blocks, figures, diagrams and HTML

__main__.py, the command line, stands on all of them, with options.py (its options, each
checked as it is read).
"""

__version__ = "0.1.0"
