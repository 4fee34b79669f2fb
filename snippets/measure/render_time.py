from painters import judge, world

per_image = judge.seconds_per_image(lambda b: world.render_prompt(world.SHARED_PROMPT, b), batch=64)
print(f"The renderer draws one 32x32 scene in {per_image * 1000:.2f} ms on the machine that built this page.")
