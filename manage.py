#!/usr/bin/env python
"""Django's command-line utility for Tiaojie."""
from tiaojie.__main__ import main

if __name__ == "__main__":
    main()
