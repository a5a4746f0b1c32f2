#!/usr/bin/env bash
# Rewrites the LibreOffice-made fixtures from the sources beside this script. Needs
# Debian's libreoffice-calc (and python3-uno for the password-protected file); the tests
# only read the committed results, so CI needs neither.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A sheet with cell formats (00000 postcodes, 10-digit phones, dates, text cells), a
# merged title and header, blank rows and a notes sheet.
for format in xlsx ods; do
    soffice --headless --convert-to "$format" --outdir "$work" "$here/producers.fods"
    cp "$work/producers.$format" "$fixtures/libreoffice-producers.$format"
done

# A semicolon CSV with decimal commas and day-first dates, imported and saved by a
# LibreOffice whose locale is French: column 4 read as DMY dates, language 1036 (fr-FR).
mkdir -p "$work/profile/user"
cat > "$work/profile/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>fr-FR</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>fr-FR</value></prop></item>
</oor:items>
XCU
for format in xlsx ods; do
    soffice -env:UserInstallation="file://$work/profile" --headless \
        --infilter="CSV:59,34,76,1,1/1/1/4/1/1,1036,false,true" \
        --convert-to "$format" --outdir "$work" "$here/producteurs-fr.csv"
    cp "$work/producteurs-fr.$format" "$fixtures/libreoffice-producteurs-fr.$format"
done

# The producers sheet saved with the password "secret".
/usr/bin/python3 "$here/save-with-password.py" "$here/producers.fods" \
    "$fixtures/libreoffice-password-secret.ods" secret "$work/uno-profile"
