from painters.measure import experiments
from painters.site import figures

# One token forced wrong (every random draw kept the same), early or late; 64 samples each.
damage = experiments.echo(positions=(4, 20, 40, 56))
rows = [(position, figures.percent(changed), figures.percent(lost)) for position, (changed, lost) in damage.items()]
print(figures.table(rows, ["forced position", "later tokens changed", "prompt match lost"]))
