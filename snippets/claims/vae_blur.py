from painters import claims

print(claims.render("vae-blur"))  # the lesson's claim, our measurement, and the verdict (painters/claims.py)
