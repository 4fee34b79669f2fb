from painters.site import verdicts

# Each of the lesson's claims, tested by this build's measurements (the same verdicts as the
# chapters show where they make them).
print(verdicts.table())
