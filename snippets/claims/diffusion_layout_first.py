from painters import claims

print(claims.render("diffusion-layout-first"))  # the lesson's claim, our measurement, and the verdict (painters/claims.py)
