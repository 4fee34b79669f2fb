from painters.site.diagrams import render_diagram

print(render_diagram("vae_pipeline"))
