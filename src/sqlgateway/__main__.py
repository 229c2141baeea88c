"""``python -m sqlgateway``."""

from sqlgateway.cli import main

raise SystemExit(main())
