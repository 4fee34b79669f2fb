from painters import figures

# Every block executed while this site was built, timed by the fence formatter that runs it
# (mkdocs.yml routes python fences through figures.timed_formatter). This page is built last.
print(figures.computation_times())
