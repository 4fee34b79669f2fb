from painters import claims

print(claims.render("ar-time-grows"))  # the lesson's claim, our measurement, and the verdict (painters/claims.py)
