from painters.site.diagrams import render_diagram

print(render_diagram("ar_token_loop"))
