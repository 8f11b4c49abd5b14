"""`make eval`: the assistant's figures on sets never used for training.

`held_out` scores the classifier and the safety net on the project's own sets; `real_set`,
`end_to_end` and `real_figures` score what the running assistant sends for patients' own wording;
`report` prints both.
"""
