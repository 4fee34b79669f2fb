from painters import world

for prompt in ["a red bicylce parked on a beach at sunset", "a red bicycle on a beach"]:
    try:
        world.parse_prompt(prompt)
    except world.PromptError as error:
        print(f"{prompt!r}\n  -> {str(error)[:160]}")
