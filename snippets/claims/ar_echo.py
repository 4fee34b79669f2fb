from painters.site import verdicts

# The lesson's claim, what we measured to test it, and the verdict (painters/measure/claims.py).
print(verdicts.render("ar-echo"))
