"""``python -m sqlgateway.shell``: same as ``sqlgateway sql``."""

import sys

from . import main

sys.exit(main())
