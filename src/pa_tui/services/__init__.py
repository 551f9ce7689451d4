"""The domain: pure functions and small classes over the store. No Textual here, and time comes in
as an explicit `now`. Kept import-free so `services.capture` stays cheap for the capture path."""
