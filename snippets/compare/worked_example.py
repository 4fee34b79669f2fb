from painters.measure.lesson import Ratings
from painters.site.scoring import score_table_html

# The lesson's imagined ratings for "a red bicycle parked on a beach at sunset":
# sharpness, prompt match and diversity out of 10, and seconds per picture.
rows = [
    Ratings("GAN", sharpness=8, prompt_match=5, diversity=4, seconds=0.2),
    Ratings("VAE", sharpness=5, prompt_match=6, diversity=7, seconds=0.3),
    Ratings("Diffusion", sharpness=9, prompt_match=9, diversity=8, seconds=4.0),
    Ratings("Autoregressive", sharpness=6, prompt_match=7, diversity=6, seconds=7.0),
]

# score = 0.35 sharpness + 0.35 prompt match + 0.20 diversity + 0.10 speed score,
# where speed score = 10 - seconds, floored at 1.
print(score_table_html(rows))
