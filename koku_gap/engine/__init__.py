"""Inputs' graphs -> verdicts: matching, drift, classification under a policy, baselines."""
