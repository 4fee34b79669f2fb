from painters import claims

print(claims.render("diffusion-prompt-control"))  # the lesson's claim, our measurement, and the verdict (painters/claims.py)
