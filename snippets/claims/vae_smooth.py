from painters import claims

print(claims.render("vae-smooth"))  # the lesson's claim, our measurement, and the verdict (painters/claims.py)
