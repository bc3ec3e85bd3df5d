"""Mail: the messages Cosigne sends (`compose`), the outbox they wait in (`outbox`), and their
delivery by the worker (`deliver`, over `transport`)."""
