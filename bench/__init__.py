"""`make bench`: Cosigne's speed, each figure beside its floor measured in the same run."""
