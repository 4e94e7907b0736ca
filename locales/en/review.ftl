# The confirmation screen (src/review/render/), the prompts of the signing ceremony and the
# demo's narration, in English. Values arrive as finished text in { $args }.
