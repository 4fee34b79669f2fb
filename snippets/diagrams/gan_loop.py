from painters.site.diagrams import render_diagram

print(render_diagram("gan_loop"))
