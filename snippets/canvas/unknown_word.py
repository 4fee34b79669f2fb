from painters import canvas

for prompt in ["a red bicylce parked on a beach at sunset", "a red bicycle on a beach"]:
    try:
        canvas.parse_prompt(prompt)
    except canvas.PromptError as error:
        print(f"{prompt!r}\n  -> {str(error)[:160]}")
