"""A document's data: its field schema, its validation, the rules common to every kind, who
signs, and the French identifiers, ages and formats they use."""
