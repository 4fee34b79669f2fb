from painters.families import registry
from painters.site import charts

# Each painter trained on the same counted budget of compute, and was measured as it trained, at
# 1/16, 1/8, 1/4, 1/2 and all of it, with the protocol every table here uses.
painters = list(registry.painters())
print(charts.budget_sentence(painters))
print(charts.chart([key for key, _, _ in charts.METRICS], painters))
print(charts.minutes_table(painters))
