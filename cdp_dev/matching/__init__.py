"""Probabilistic record matching (README "Identity resolution"): training the Fellegi-Sunter models with Splink and
compiling them into the dbt macros the build scores pairs with.

* comparisons: the one definition of what is compared (comparisons and their levels, as SQL conditions that run
  unchanged on DuckDB and Spark) and of the two models: ``account`` (account records against each other) and
  ``person_account`` (persons without an account against account records);
* train: the training command (``make train-matching``): Splink estimates the models' parameters on a warehouse
  where the match-record models are built, and writes the versioned artefacts matching/<model>_match_model.json;
* compile: each artefact compiled into macros/matching/<model>_match_model.sql, the dict the dbt models score
  with (``--check``: exit 1 when a macro is not what its artefact compiles to);
* chart: the match weights of the trained levels as docs/matching_weights.png.

Splink is needed by training only: the build reads the generated macros and never imports it.
"""
