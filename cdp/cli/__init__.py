"""The product's command lines, one module per command: ``build_parser()`` and ``main(argv=None) -> int`` (the exit
status). scripts/<command>.py and the console commands of pyproject.toml (cdp-<command>) run the same main()."""
