"""The judgements rules share, one small leaf module per topic; :mod:`isolint.helpers` re-exports them
(import them from there in a rule). Leaves import only :mod:`isolint.model` and each other."""
