"""From `signed` to `completed`, exactly once: the final PDF, its archive and its delivery."""
