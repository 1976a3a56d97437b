"""One module per form family; each exposes `story(req, st, geo)` builders that `receipts.render` dispatches to."""
