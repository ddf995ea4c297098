"""Protected storage of identifiers: see ``tiaojie.security.crypto`` (kept here for old imports)."""
from tiaojie.security.crypto import (  # noqa: F401
    DECRYPT_FAILED,
    DecryptError,
    decrypt,
    decrypt_strict,
    encrypt,
    lookup_hash,
)
