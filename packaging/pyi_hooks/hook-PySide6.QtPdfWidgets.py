# Tafeldossier's override of PyInstaller's hook for this PySide6 module (same collection,
# see PyInstaller/hooks/hook-PySide6.*.py), keeping only the Qt plugins and translations
# that packaging/tafeldossier.spec allows (hooksconfig "tafeldossier" -> "keep_qt_file").
# Filtering here, before PyInstaller resolves the libraries each plugin links, keeps the
# dependencies of left-out plugins (GTK, Wayland, QtQuick...) out of the build.
from PyInstaller.utils.hooks import get_hook_config
from PyInstaller.utils.hooks.qt import add_qt6_dependencies

hiddenimports, _binaries, _datas = add_qt6_dependencies(__file__)


def hook(hook_api):
    keep = get_hook_config(hook_api, "tafeldossier", "keep_qt_file")
    if keep is None:  # used without the spec: behave like PyInstaller's own hook
        def keep(src, dest_dir):
            return True
    hook_api.add_binaries([(src, dest) for src, dest in _binaries if keep(src, dest)])
    hook_api.add_datas([(src, dest) for src, dest in _datas if keep(src, dest)])
