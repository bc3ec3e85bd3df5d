"""Following a completed contract (`signing.follow_up` holds the rules): its objectives' notes,
the page section and the pupil's page, the API's shape. Reviews, site visits and the référent's
week come next, each a use case module here."""
