"""The vocabulary: the component graph, the Report, the gap kinds and the errors every stage shares."""
