from painters.site import blocks

# Every block executed while this site was built, timed by the fence formatter that runs it
# (mkdocs.yml routes python fences through blocks.timed_formatter). This page is built last.
# Kept out of the search index: its rows change order with every build (slowest first).
print(f'<div class="painters-times" data-search-exclude>{blocks.computation_times()}</div>')
