"""Development tooling beside the product (same distribution, never imported by cdp): the synthetic data generator
(generator), the benchmark (bench), the comparison of two engines' builds (compare), the dbt layer conventions
checked on dbt's manifest (conventions), fakes of external services for demos and tests (fakes), and the command
lines (cli)."""
