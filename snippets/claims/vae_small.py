from painters import claims

print(claims.render("vae-small"))  # the lesson's claim, our measurement, and the verdict (painters/claims.py)
