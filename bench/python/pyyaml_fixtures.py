"""Regenerates test/fixtures/pyyaml/*.json: PyYAML's safe_load of each *.yaml beside them (what the YAML
reader must agree with). Run: python3 bench/python/pyyaml_fixtures.py (needs PyYAML)."""
import json
import pathlib

import yaml

root = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "pyyaml"
for src in sorted(root.glob("*.yaml")):
    with open(src, encoding="utf-8") as f:
        value = yaml.safe_load(f)
    src.with_suffix(".json").write_text(json.dumps(value, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(src.name)
