"""What only some formats print, computed on demand: ClowdApp snippets, suggested templates."""
