from painters import claims

print(claims.render("gan-oscillation"))  # the lesson's claim, our measurement, and the verdict (painters/claims.py)
