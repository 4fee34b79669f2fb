from painters import claims

print(claims.render("diffusion-slow-best"))  # the lesson's claim, our measurement, and the verdict (painters/claims.py)
