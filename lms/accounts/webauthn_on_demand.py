"""allauth's WebAuthn code loaded when a WebAuthn flow runs, not when a worker starts or a
person signs in with a password or an authenticator app.

allauth imports its WebAuthn module (``allauth.mfa.webauthn.internal.auth``, which imports
fido2 and, through it, cryptography: about 10 MB a worker) from its second-factor views and
from the login stage every sign-in runs, and ``Authenticator.wrap()`` imports it for every
kind of authenticator, although the site offers no WebAuthn (``MFA_SUPPORTED_TYPES``). Two
wrappers keep it out until it is used (issue 14, a worker's memory; decision 0618):

- an import hook gives that one module's importers a module whose code runs on the first
  attribute read, under a lock, so every use of it still runs allauth's own code;
- ``Authenticator.wrap()`` builds the authenticator-app and recovery-code wrappers itself
  (the same classes allauth's mapping gives) and asks allauth's own ``wrap()`` for any
  other kind, WebAuthn included.

Nothing of allauth's checking changes: the code that runs is allauth's, only when it runs.
"""

import importlib.abc
import importlib.machinery
import sys
import threading
import types

WEBAUTHN_MODULE = "allauth.mfa.webauthn.internal.auth"


class _ModuleRunOnFirstUse(types.ModuleType):
    """A module whose code runs when one of its names is first read. ``__getattr__`` is only
    called for names the module does not hold yet, so after the run reads cost nothing."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        loader = self.__spec__.loader
        loader.run_module_code(self)
        return object.__getattribute__(self, name)


class _RunOnFirstUseLoader(importlib.abc.Loader):
    """Creates the module at import time and runs the real loader's code into it once, on
    first use. Other threads wait for the run; a read from inside the run (a circular
    import) sees the partly run module, as a normal import would show it."""

    def __init__(self, real_loader):
        self.real_loader = real_loader
        self._lock = threading.RLock()
        self._state = "waiting"

    def create_module(self, spec):
        return _ModuleRunOnFirstUse(spec.name)

    def exec_module(self, module):
        """Nothing runs at import: ``run_module_code`` does, on first use."""

    def run_module_code(self, module):
        with self._lock:
            if self._state != "waiting":  # ran already, or this thread is running it
                return
            self._state = "running"
            try:
                self.real_loader.exec_module(module)
            except BaseException:
                self._state = "waiting"
                raise
            module.__class__ = types.ModuleType
            self._state = "ran"


class _RunOnFirstUseFinder(importlib.abc.MetaPathFinder):
    """Finds the named modules as the path finder does and hands them to
    ``_RunOnFirstUseLoader``."""

    def __init__(self, names):
        self.names = frozenset(names)

    def find_spec(self, fullname, path, target=None):
        if fullname not in self.names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _RunOnFirstUseLoader(spec.loader)
        return spec


def defer_webauthn_module() -> None:
    """Install the import hook (once). Must run before anything imports the WebAuthn
    module: ``lms.accounts`` calls it when the app registry is populated, before the
    URLconf or a sign-in."""
    if any(isinstance(finder, _RunOnFirstUseFinder) for finder in sys.meta_path):
        return
    sys.meta_path.insert(0, _RunOnFirstUseFinder([WEBAUTHN_MODULE]))


def wrap_authenticators_without_webauthn() -> None:
    """Replace ``Authenticator.wrap`` (once) by one that imports only the wrapper the
    authenticator's type needs."""
    from allauth.mfa.models import Authenticator

    if getattr(Authenticator.wrap, "wraps_without_webauthn", False):
        return
    allauth_wrap = Authenticator.wrap

    def wrap(self):
        if self.type == Authenticator.Type.TOTP:
            from allauth.mfa.totp.internal.auth import TOTP

            return TOTP(self)
        if self.type == Authenticator.Type.RECOVERY_CODES:
            from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

            return RecoveryCodes(self)
        return allauth_wrap(self)

    wrap.__doc__ = allauth_wrap.__doc__
    wrap.wraps_without_webauthn = True
    wrap.allauth_wrap = allauth_wrap
    Authenticator.wrap = wrap
