"""The pipeline: one job's steps, their dispatch, the step ledger, the asset cache, assembly and
the sweeper."""
