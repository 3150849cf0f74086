"""Views of the output: the tree printed for a terminal and the HTML report."""
