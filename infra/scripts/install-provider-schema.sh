#!/usr/bin/env bash
# The google Terraform provider's schema, for tests/unit/test_terraform_schema.py.
#
# The provider binary cannot be downloaded on the build machines (no Terraform registry), but
# its prebuilt CDKTF bindings are on npm and are generated from the provider's own schema
# (tests/support/provider_schema.py reads them). Only the package's README, package.json and
# lib/ are kept (its 98 MB .jsii is not needed). Idempotent.
set -euo pipefail

VERSION=16.12.1 # bindings of hashicorp/google 6.50.0
DEST=.tools/cdktf-provider-google
STAMP="$DEST/version"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$VERSION" ]; then
    exit 0
fi
rm -rf "$DEST"
mkdir -p "$DEST"
(
    cd "$DEST"
    npm pack --silent --loglevel=error "@cdktf/provider-google@$VERSION" >/dev/null
    tar xzf "cdktf-provider-google-$VERSION.tgz" --wildcards \
        'package/README.md' 'package/package.json' 'package/lib/*'
    rm "cdktf-provider-google-$VERSION.tgz"
)
echo "$VERSION" >"$STAMP"
echo "google provider schema (CDKTF bindings $VERSION) in $DEST"
