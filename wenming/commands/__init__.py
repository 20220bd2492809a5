"""Use cases: each runs one command's whole pipeline from plain arguments and returns its result.

A front end (the CLI today, a web page tomorrow) parses its input, calls one of these and shows
the result; nothing here knows about typer, rich or HTTP.
"""
