"""Saves a spreadsheet with a password through LibreOffice's UNO bridge.

Usage: python3 save-with-password.py IN OUT.ods PASSWORD PROFILE_DIR
Needs Debian's python3-uno (run it with /usr/bin/python3). The command line's
--convert-to ignores passwords in LibreOffice 7.4, hence this script.
"""
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    result = PropertyValue()
    result.Name = name
    result.Value = value
    return result


def main():
    source, target, password, profile = sys.argv[1:5]
    office = subprocess.Popen([
        "soffice", "--headless", "--invisible", "--norestore",
        "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.abspath(profile)),
        "--accept=socket,host=localhost,port=2002;urp;"])
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    context = None
    for _ in range(60):
        try:
            context = resolver.resolve(
                "uno:socket,host=localhost,port=2002;urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(1)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context)
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0, (prop("Hidden", True),))
    document.storeToURL(
        uno.systemPathToFileUrl(os.path.abspath(target)),
        (prop("FilterName", "calc8"), prop("Password", password)))
    document.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass  # the bridge drops as the office quits
    office.wait(timeout=60)


main()
