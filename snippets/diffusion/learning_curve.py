from painters.site import charts

# The painter measured as it trained, at 1/16, 1/8, 1/4, 1/2 and all of its budget of compute.
print(charts.chart(["frechet", "all four"], ["diffusion"]))
