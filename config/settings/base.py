"""Settings shared by every environment. Everything that varies comes from the environment."""

from .environment import *  # noqa: F403
from .environment import env, env_required, field_encryption_keys  # noqa: F401
from .observability import *  # noqa: F403
from .platform import *  # noqa: F403
from .services import *  # noqa: F403
