from painters import figures, gallery, world

scenes = [world.parse_prompt(world.SHARED_PROMPT)] * 256
t = gallery.timings({"batch": lambda: world.render_many(scenes, seed=0)})  # a warm-up, then the best of 5
ms = figures.measured(f"{t.seconds['batch'] / len(scenes) * 1000:.2f} ms")
print(f"<p>The renderer draws one 32x32 scene in {ms}, painting 256 at once, on {t.where()}.</p>")
