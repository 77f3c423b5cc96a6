"""The Report model and the formats that print it. Reporters read the model; they never decide."""
