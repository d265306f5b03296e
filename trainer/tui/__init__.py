"""The terminal app: Home, the review session, its summary and help (Textual).

`trainer.tui.run.run_tui` is the command line's entry point; `trainer.tui.app.make_app` builds the
app for the CLI and for the tests alike.
"""
