from painters import claims

# The lesson's claim, what we measured to test it, and the verdict (painters/claims.py).
print(claims.render("vae-blur"))
