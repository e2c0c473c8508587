"""Validates an MCP Bundle manifest against the vendored MCPB manifest schema.

Usage: check_mcpb.py SCHEMA MANIFEST_OR_BUNDLE   (run with .venv/bin/python, which has jsonschema)

SCHEMA is bridge/mcpb/schema/mcpb-manifest-v*.schema.json. MANIFEST_OR_BUNDLE is a manifest.json, or a .mcpb (a
zip) whose manifest.json at the root is checked; in a bundle the file `server.entry_point` names must be there too,
and executable where the zip records Unix modes.
Prints "valid" and exits 0, or prints each error as "PATH: message" and exits 1. Exits 2 on bad usage or a schema
that cannot be used.
"""

import json
import sys
import zipfile

from jsonschema import SchemaError
from jsonschema.validators import validator_for


def location(path):
    """`server.mcp_config.args[0]` for the path of an error; `(root)` for the manifest itself."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


def bundle_errors(bundle, manifest):
    """What the schema cannot see: the entry point's file in the zip, and its mode."""
    entry_point = manifest.get("server", {}).get("entry_point") if isinstance(manifest.get("server"), dict) else None
    if not isinstance(entry_point, str):
        return []
    try:
        info = bundle.getinfo(entry_point)
    except KeyError:
        return [("server.entry_point", f"{entry_point!r} is not in the bundle")]
    mode = info.external_attr >> 16
    if info.create_system == 3 and mode & 0o111 == 0:
        return [("server.entry_point", f"{entry_point!r} is not executable in the bundle (mode {mode & 0o7777:04o})")]
    return []


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema_path, target = argv[1], argv[2]
    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        cls = validator_for(schema)  # the draft named by the schema's $schema (draft-07 for MCPB)
        cls.check_schema(schema)
    except (OSError, ValueError, SchemaError) as error:
        print(f"cannot use the schema {schema_path}: {error}", file=sys.stderr)
        return 2

    extra = []
    try:
        if zipfile.is_zipfile(target):
            with zipfile.ZipFile(target) as bundle:
                try:
                    raw = bundle.read("manifest.json")
                except KeyError:
                    print(f"(root): {target} has no manifest.json at its root")
                    return 1
                manifest = json.loads(raw.decode("utf-8"))
                if isinstance(manifest, dict):
                    extra = bundle_errors(bundle, manifest)
        else:
            with open(target, encoding="utf-8") as f:
                manifest = json.load(f)
    except (OSError, zipfile.BadZipFile) as error:
        print(f"cannot read {target}: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        print(f"(root): manifest.json is not JSON: {error}")
        return 1

    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(manifest), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        print(f"{location(error.absolute_path)}: {error.message}")
    for path, message in extra:
        print(f"{path}: {message}")
    if errors or extra:
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
