"""One module per CLI command; each keeps its imports light and lazy."""
