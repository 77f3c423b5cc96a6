"""Line-marked YAML loading and the input budgets: what every reader of a file builds on."""
